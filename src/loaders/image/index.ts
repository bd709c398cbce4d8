// Image loader: an image archive (docker-archive or OCI archive, plain or gzipped, a file or
// standard input) or an OCI layout directory → one `image` subject per image, plus `problem`
// subjects for what could not be read safely (rules.d/input/image-*.yaml).
//
// Loader options (from `aigis scan`): `platform` (default linux/amd64) picks one manifest of a
// multi-platform index; `imageLimits` raises the bounds of src/loaders/image/limits.ts.

import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Input } from '../discover.js';
import type { LoadContext, LoadResult } from '../index.js';
import type { DataTables } from '../../rules/data.js';
import { builtinRulesDir } from '../../rules/paths.js';
import { AigisError } from '../../util/errors.js';
import { buildImageSubject } from '../../model/image.js';
import type { Subject } from '../../model/types.js';
import { readLayoutDir, readTarArchive, type BlobStore } from './archive.js';
import { Budget, emptyScan, type LayerScan } from './layer.js';
import { imageLimits } from './limits.js';
import { PlatformError, resolveImages, type ResolvedImage } from './manifest.js';
import { mergeLayers, type MergedImage } from './merge.js';
import { imageTables, type ImageTables } from './tables.js';
import { problemSubjectFor } from '../../model/image.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

export interface LoadedImage {
  image: ResolvedImage;
  merged: MergedImage;
}

export interface ImageArchive {
  images: LoadedImage[];
  /** Problems of the archive as a whole (not of one image). */
  problems: MergedImage['problems'];
  tables: ImageTables;
}

let builtinTables: DataTables | undefined;

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

async function head(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function tablesOf(ctx: Pick<LoadContext, 'tables'>): Promise<DataTables> {
  if (ctx.tables) return ctx.tables;
  builtinTables ??= (await import('../../rules/data-load.js')).loadDataDir(builtinRulesDir());
  return builtinTables;
}

function platformOf(options: Record<string, unknown>): string {
  const p = options.platform;
  return typeof p === 'string' && p ? p : DEFAULT_PLATFORM;
}

/** Read an archive or layout directory into images with merged layer facts (also used by `aigis sbom`). */
export async function readImageArchive(input: Input, ctx: Pick<LoadContext, 'tables' | 'options' | 'stdin' | 'limits'>): Promise<ImageArchive> {
  const tables = imageTables(await tablesOf(ctx));
  const budget = new Budget(imageLimits(ctx.options), input.path);
  const scanCtx = { tables, budget };
  let store: BlobStore;
  if (input.path === '-') {
    const bytes = await ctx.stdin();
    if (bytes.length > ctx.limits.maxFileBytes) {
      throw new AigisError(`standard input is larger than the ${ctx.limits.maxFileBytes} byte limit (raise it with --max-file-size, or pass the archive as a file)`, { file: '-' });
    }
    store = await readTarArchive(() => Readable.from([bytes], { objectMode: false }), isGzip(bytes), scanCtx);
  } else {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(input.path);
    } catch (err) {
      throw new AigisError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: input.path });
    }
    if (stat.isDirectory()) {
      if (!fs.existsSync(`${input.path}/oci-layout`)) throw new AigisError('not an OCI image layout (no oci-layout file)', { file: input.path });
      store = readLayoutDir(input.path, scanCtx);
    } else {
      store = await readTarArchive(() => fs.createReadStream(input.path, { highWaterMark: 1 << 20 }), isGzip(await head(input.path)), scanCtx);
    }
  }

  let resolution;
  try {
    resolution = await resolveImages(store, platformOf(ctx.options));
  } catch (e) {
    if (e instanceof PlatformError) throw new AigisError(e.message, { file: input.path });
    throw e;
  }
  const problems = [...store.problems, ...resolution.problems];
  if (!resolution.images.length && !problems.length) {
    throw new AigisError('not an image archive: it holds neither manifest.json (docker-archive) nor index.json (OCI)', { file: input.path });
  }
  const images: LoadedImage[] = [];
  for (const image of resolution.images) {
    // One layer at a time: a layout directory reads each blob now; an archive has read them.
    const scans: Array<LayerScan | undefined> = [];
    for (const [i, l] of image.layers.entries()) {
      const target = store.resolve(l.name);
      if (target && typeof target === 'object') {
        const loop = emptyScan(l.name);
        loop.failed = 'symlink loop';
        loop.problems.push({ code: 'archive-invalid', message: `layer ${i + 1} is a symlink loop in the archive: ${target.loop.join(' -> ')}` });
        scans.push(loop);
        continue;
      }
      scans.push(await store.layer(l.name));
    }
    images.push({ image, merged: mergeLayers(image.layers, scans) });
  }
  return { images, problems, tables };
}

export async function loadImageInput(input: Input, ctx: LoadContext): Promise<LoadResult> {
  const archive = await readImageArchive(input, ctx);
  const subjects: Subject[] = [];
  const secrets: string[] = [];
  const several = archive.images.length > 1;
  archive.images.forEach(({ image, merged }, index) => {
    const built = buildImageSubject({ file: input.path, image, merged, tables: archive.tables, index, several });
    // Loops, not push(...): a hostile layer yields more problems than a call takes arguments.
    subjects.push(built.subject);
    for (const p of built.problems) subjects.push(p);
    for (const s of built.secrets) secrets.push(s);
  });
  for (const p of archive.problems) subjects.push(problemSubjectFor(p, input.path, `image:${input.path}`, { file: input.path, pointer: '' }));
  return { documents: [], subjects, problems: [], skipped: 0, secrets };
}
