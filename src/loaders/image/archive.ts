// The outer container of an image: a docker-archive or OCI archive (a tar, possibly gzipped) read
// in one sequential pass, or an OCI image layout directory.
//
// Why one pass over a tar works whatever its order: `docker save` and `skopeo copy … docker-archive:`
// write the layers first and manifest.json last, and skopeo's oci-archive writes the blobs before
// index.json. So every blob that is not small JSON is scanned as a layer the moment it goes by,
// and the manifests decide afterwards which scans belong to which image, in which order. A layer
// scan is order-free: it keeps its own path set, whiteouts and records, and src/loaders/image/
// merge.ts applies the layers in manifest order at the end. Nothing is spooled and the archive is
// read once; the price is that blobs of images the manifests do not select (other platforms of a
// multi-arch index) are scanned too. A layout directory has random access, so only the selected
// image's blobs are read there.

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { emptyScan, normalizeEntryPath, scanLayer, type LayerProblem, type LayerScan, type ScanContext } from './layer.js';
import { ImageLimitError } from './limits.js';
import { feedTar } from './tar-feed.js';

/** Largest JSON document (manifest, index, config) read from an archive. */
export const META_MAX = 16 * 1024 * 1024;
/** All JSON documents of one archive together. */
const META_TOTAL = 64 * 1024 * 1024;

export interface BlobStore {
  /** Parsed JSON of an archive member or blob, or undefined when absent (or not JSON). */
  json(name: string): Promise<unknown>;
  /** Whether the archive holds this member at all. */
  has(name: string): boolean;
  /** The scan of a layer blob (undefined when the archive lacks it). */
  layer(name: string): Promise<LayerScan | undefined>;
  /** Problems met while reading the archive itself. */
  problems: LayerProblem[];
  /** Resolve archive-level symlinks (docker's `<id>/layer.tar -> ../<sha>.tar`). */
  resolve(name: string): string | { loop: string[] } | undefined;
}

function isJsonStart(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

const META_NAMES = /(^|\/)(manifest\.json|index\.json|oci-layout|repositories|json|VERSION)$|\.json$/;

async function* prepend(head: Uint8Array[], it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const h of head) yield h;
  for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
}

/** A tar archive (file or bytes, possibly gzipped as a whole): every member read once, in order. */
export async function readTarArchive(open: () => Readable, gzipped: boolean, ctx: ScanContext): Promise<BlobStore> {
  const meta = new Map<string, Buffer>();
  const layers = new Map<string, LayerScan>();
  const links = new Map<string, string>();
  const members = new Set<string>();
  const problems: LayerProblem[] = [];
  let metaBytes = 0;

  const raw = open();
  let input: Readable = raw;
  if (gzipped) {
    // `docker save | gzip > image.tar.gz`
    const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
    raw.pipe(gunzip);
    raw.on('error', (e) => gunzip.destroy(e));
    input = gunzip;
  }

  const ex = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  let fatal: unknown;
  const done = new Promise<void>((resolve) => {
    ex.on('finish', () => resolve());
    ex.on('close', () => resolve());
    ex.on('error', (e: unknown) => {
      fatal ??= e;
      resolve();
    });
    input.on('error', (e: unknown) => {
      fatal ??= e;
      ex.destroy();
      resolve();
    });
  });
  const compressedOuter = input !== raw;
  const fed = feedTar(
    input,
    ex,
    (c) => {
      if (compressedOuter) ctx.budget.addBytes(c.length, 'the compressed archive');
    },
    (e) => {
      fatal ??= e;
      input.destroy();
      ex.destroy();
    },
  );

  ex.on('entry', (header, stream, next) => {
    onMember(header, stream as unknown as AsyncIterable<Uint8Array>).then(
      () => next(),
      (e: unknown) => next(e instanceof Error ? e : new Error(String(e))),
    );
  });

  async function onMember(header: tar.Header, stream: AsyncIterable<Uint8Array>): Promise<void> {
    const rawName = header.name ?? '';
    if (Buffer.byteLength(rawName) > ctx.budget.limits.maxPath) {
      throw new ImageLimitError('maxPath', ctx.budget.limits.maxPath, ctx.budget.file, 'an archive member');
    }
    const norm = normalizeEntryPath(rawName);
    const name = norm.path.slice(1);
    // A member cut short errors on its stream too; the archive-level error reports it.
    (stream as unknown as { on(e: string, f: () => void): void }).on('error', () => {});
    const drain = async () => {
      for await (const _ of stream);
    };
    if (norm.escapes) {
      problems.push({ code: 'unsafe-path', message: `archive member "${rawName}" climbs out of the archive with ".."`, path: norm.path });
      return drain();
    }
    members.add(name);
    if (header.type === 'symlink' || header.type === 'link') {
      const target = header.type === 'symlink' ? normalizeEntryPath(`${path.posix.dirname(norm.path)}/${header.linkname ?? ''}`) : normalizeEntryPath(header.linkname ?? '');
      links.set(name, target.path.slice(1));
      return drain();
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') return drain();
    const size = header.size ?? 0;
    const it = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    const head: Uint8Array[] = [];
    let headLen = 0;
    while (headLen < 512 && headLen < size) {
      const r = await it.next();
      if (r.done) break;
      head.push(r.value);
      headLen += r.value.length;
    }
    const headBytes = Buffer.concat(head);
    if (size <= META_MAX && (META_NAMES.test(name) || isJsonStart(headBytes))) {
      metaBytes += size;
      if (metaBytes > META_TOTAL) {
        problems.push({ code: 'archive-invalid', message: `archive holds more than ${META_TOTAL} bytes of JSON documents; "${name}" was not read` });
        for (let r = await it.next(); !r.done; r = await it.next());
        return;
      }
      const parts = [headBytes];
      for (let r = await it.next(); !r.done; r = await it.next()) parts.push(Buffer.from(r.value));
      meta.set(name, Buffer.concat(parts));
      return;
    }
    layers.set(name, await scanLayer(prepend(head, it), name, ctx));
  }

  await done;
  if (fatal instanceof ImageLimitError) throw fatal;
  if (fatal !== undefined) {
    const m = (fatal as Error).message ?? String(fatal);
    const why = /Unexpected end of data/.test(m) || (/Invalid tar header/.test(m) && members.size > 0 && fed.bytes % 512 !== 0)
      ? 'the archive is truncated'
      : /Invalid tar header/.test(m)
        ? 'the archive is not a tar (or is corrupt)'
        : /unexpected end of file/i.test(m)
          ? 'the gzip-compressed archive is truncated'
          : m;
    problems.push({ code: 'archive-invalid', message: `cannot read the whole archive: ${why}` });
  }

  const resolve = (name: string): string | { loop: string[] } | undefined => {
    const seen: string[] = [];
    let cur = normalizeEntryPath(name).path.slice(1);
    while (links.has(cur)) {
      if (seen.includes(cur) || seen.length > 40) return { loop: [...seen, cur] };
      seen.push(cur);
      cur = links.get(cur)!;
    }
    return members.has(cur) ? cur : undefined;
  };
  return {
    problems,
    has: (name) => typeof resolve(name) === 'string',
    resolve,
    async json(name) {
      const r = resolve(name);
      if (typeof r !== 'string') return undefined;
      const b = meta.get(r);
      if (!b) return undefined;
      try {
        return JSON.parse(b.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    async layer(name) {
      const r = resolve(name);
      return typeof r === 'string' ? layers.get(r) ?? (meta.has(r) ? notALayer(r) : undefined) : undefined;
    },
  };
}

function notALayer(name: string): LayerScan {
  const scan = emptyScan(name);
  scan.failed = 'a JSON document, not a layer';
  scan.problems.push({ code: 'archive-invalid', message: `layer ${name} is ${scan.failed}` });
  return scan;
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** An OCI image layout directory: blobs are read on demand, each once. */
export function readLayoutDir(dir: string, ctx: ScanContext): BlobStore {
  const problems: LayerProblem[] = [];
  const scans = new Map<string, Promise<LayerScan | undefined>>();
  // Only `index.json`, `oci-layout` and `blobs/<alg>/<hex>` are ever opened, so a name taken
  // from a manifest cannot reach outside the directory.
  const fileFor = (name: string): string | undefined => {
    if (name === 'index.json' || name === 'oci-layout') return path.join(dir, name);
    const m = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name);
    if (!m || !DIGEST.test(`${m[1]}:${m[2]}`)) return undefined;
    return path.join(dir, 'blobs', m[1]!, m[2]!);
  };
  const exists = (name: string) => {
    const f = fileFor(name);
    return !!f && fs.existsSync(f);
  };
  return {
    problems,
    has: exists,
    resolve: (name) => (exists(name) ? name : undefined),
    async json(name) {
      const f = fileFor(name);
      if (!f) return undefined;
      try {
        const st = await fs.promises.stat(f);
        if (!st.isFile() || st.size > META_MAX) return undefined;
        return JSON.parse(await fs.promises.readFile(f, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    layer(name) {
      let p = scans.get(name);
      if (!p) {
        const f = fileFor(name);
        p = !f || !fs.existsSync(f) ? Promise.resolve(undefined) : scanLayer(fs.createReadStream(f, { highWaterMark: 1 << 20 }), name, ctx);
        scans.set(name, p);
      }
      return p;
    },
  };
}
