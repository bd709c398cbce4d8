// Image archives built in memory with tar-stream for hostile-input tests: no real tool writes
// these (`../` names, device nodes, lying zstd frames, manifests naming missing blobs); the
// well-formed fixtures come from test/fixtures/images/build.sh.

import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';

export interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  linkname?: string;
  mode?: number;
  content?: string | Buffer;
  devmajor?: number;
  devminor?: number;
}

export async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const body = e.content === undefined ? undefined : Buffer.from(e.content);
    const header = {
      name: e.name,
      type: e.type ?? 'file',
      mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644),
      ...(e.linkname ? { linkname: e.linkname } : {}),
      ...(e.devmajor !== undefined ? { devmajor: e.devmajor, devminor: e.devminor ?? 0 } : {}),
      ...(body ? { size: body.length } : {}),
    };
    if (body) pack.entry(header, body);
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

export const sha = (b: Buffer): string => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;
export const blobPath = (digest: string): string => `blobs/sha256/${digest.slice(7)}`;

/** An oci-archive: layout files, then the given layer blobs (already compressed or not). */
export async function ociArchive(layers: Array<{ bytes: Buffer; mediaType?: string }>, config: Record<string, unknown> = {}, extra: Entry[] = []): Promise<Buffer> {
  const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(cfg), size: cfg.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(l.bytes), size: l.bytes.length })),
    }),
  );
  const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'hostile' } }] };
  return tarOf([
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', content: JSON.stringify(index) },
    { name: blobPath(sha(manifest)), content: manifest },
    { name: blobPath(sha(cfg)), content: cfg },
    ...layers.map((l) => ({ name: blobPath(sha(l.bytes)), content: l.bytes })),
    ...extra,
  ]);
}

/** A docker-archive (`docker save`): manifest.json, the config, one directory per layer. */
export async function dockerArchive(layers: Buffer[], config: Record<string, unknown> = {}, tags = ['hostile:1']): Promise<Buffer> {
  const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: layers.map(sha) } }));
  const names = layers.map((l) => `${sha(l).slice(7, 19)}/layer.tar`);
  return tarOf([
    { name: 'config.json', content: cfg },
    ...layers.map((l, i) => ({ name: names[i]!, content: l })),
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: tags, Layers: names }]) },
  ]);
}

/** A valid zstd frame of raw (stored) blocks: the content size is declared, as zstd writes it. */
export function zstdFrame(data: Buffer): Buffer {
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(data.length));
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0]), size];
  const BLOCK = 128 * 1024;
  for (let at = 0; at < data.length || at === 0; at += BLOCK) {
    const chunk = data.subarray(at, at + BLOCK);
    const last = at + BLOCK >= data.length ? 1 : 0;
    const header = (chunk.length << 3) | last; // raw block: type 0
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), chunk);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

/**
 * A tar of many symlinks, written directly (tar-stream takes seconds per hundred thousand
 * entries): `name` → `linkname` for each pair, names and targets under 100 bytes.
 */
export function symlinkTar(links: Array<[string, string]>): Buffer {
  const out = Buffer.alloc(links.length * 512 + 1024);
  links.forEach(([name, target], i) => {
    const h = out.subarray(i * 512, i * 512 + 512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000777\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write('00000000000\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('2', 156);
    h.write(target, 157, 100, 'utf8');
    h.write('ustar\u000000', 257, 'binary');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  });
  return out;
}

/**
 * A gzip bomb: a gzipped tar of one file of `mib` MiB of zeros, streamed through tar-stream and
 * gzip so that the whole never sits in memory (1 GiB of zeros makes about 1 MiB).
 */
export async function gzipBomb(mib: number): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = zlib.createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  (pack as unknown as Readable).pipe(gzip);
  const body = pack.entry({ name: 'bomb', size: mib << 20 }, () => pack.finalize());
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) if (!body.write(zeros)) await new Promise<void>((resolve) => body.once('drain', () => resolve()));
  (body as unknown as { end(): void }).end();
  await done;
  return Buffer.concat(parts);
}
