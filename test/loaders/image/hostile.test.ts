// Hostile and broken archives: each is a finding or a clear error naming the bound and its flag,
// never a crash, a hang or unbounded memory. These archives are built here with tar-stream (no
// real tool writes them); the well-formed fixtures come from test/fixtures/images/build.sh.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/loaders/index.js';
import { loadImageInput } from '../../../src/loaders/image/index.js';
import { ImageLimitError } from '../../../src/loaders/image/limits.js';
import type { Subject } from '../../../src/model/types.js';
import { AigisError } from '../../../src/util/errors.js';
import { blobPath, gzipBomb, ociArchive, sha, symlinkTar, tarOf, type Entry } from '../../helpers/oci.js';
import { testCatalogue } from '../../helpers/scan.js';

const blob = blobPath;

function tmpFile(bytes: Buffer, name = 'image.tar'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-hostile-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Load with a watchdog: a hang fails the test instead of stalling the run. */
async function load(bytes: Buffer, imageLimits: Record<string, number> = {}): Promise<{ subjects: Subject[] }> {
  const file = tmpFile(bytes);
  const tables = (await testCatalogue()).tables;
  const run = loadImageInput({ kind: 'image', path: file, explicit: true }, { limits: DEFAULT_LIMITS, stdin: async () => Buffer.alloc(0), options: { imageLimits }, tables });
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the loader hung')), 20_000);
  });
  try {
    return await Promise.race([run, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

const problems = (subjects: Subject[]) =>
  subjects
    .filter((s) => s.target === 'problem')
    .map((s) => `${String(s.data.code)} ${s.locate('').pointer} ${String(s.data.message)}`)
    .sort();

const gz = (b: Buffer) => zlib.gzipSync(b);

describe('hostile layers', () => {
  it('reports path traversal and absolute names, and does not index them as image paths', async () => {
    const layer = await tarOf([
      { name: '../../../etc/cron.d/evil', content: '* * * * * root sh\n' },
      { name: '/etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
      { name: 'ok.txt', content: 'fine' },
    ]);
    const r = await load(await ociArchive([{ bytes: gz(layer) }]));
    expect(problems(r.subjects)).toEqual([
      'image-unsafe-path /etc/cron.d/evil entry "../../../etc/cron.d/evil" climbs out of the image root with ".."; runtimes refuse the layer',
      'image-unsafe-path /etc/passwd entry "/etc/passwd" has an absolute path; a naive extractor writes it outside the root',
    ]);
  });

  it('reports symlink loops and terminates', async () => {
    const layer = await tarOf([
      { name: 'l/a', type: 'symlink', linkname: 'b' },
      { name: 'l/b', type: 'symlink', linkname: '../l/c' },
      { name: 'l/c', type: 'symlink', linkname: '/l/a' },
      { name: 'self', type: 'symlink', linkname: 'self' },
      { name: 'fine', type: 'symlink', linkname: '/etc/hostname' },
    ]);
    const r = await load(await ociArchive([{ bytes: gz(layer) }]));
    expect(problems(r.subjects)).toEqual(['image-symlink-loop /l/a symlink loop: /l/a -> /l/b -> /l/c -> /l/a', 'image-symlink-loop /self symlink loop: /self -> /self']);
  });

  it('a loop of symlinks in the archive itself (docker-archive layer.tar links) is a finding', async () => {
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } }));
    const archive = await tarOf([
      { name: 'a/layer.tar', type: 'symlink', linkname: '../b/layer.tar' },
      { name: 'b/layer.tar', type: 'symlink', linkname: '../a/layer.tar' },
      { name: 'config.json', content: cfg },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: ['loop:1'], Layers: ['a/layer.tar'] }]) },
    ]);
    const r = await load(archive);
    expect(problems(r.subjects)).toEqual(['image-archive-invalid  layer 1 is a symlink loop in the archive: a/layer.tar -> b/layer.tar -> a/layer.tar']);
  });

  it('device nodes and FIFOs are passed over, never opened, and the entries after them are read', async () => {
    const layer = await tarOf([
      { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o4660 },
      { name: 'dev/mem', type: 'character-device', devmajor: 1, devminor: 1, mode: 0o666 },
      { name: 'run/pipe', type: 'fifo', mode: 0o4777 },
      { name: 'usr/bin/su2', content: 'x', mode: 0o4755 },
    ]);
    const r = await load(await ociArchive([{ bytes: gz(layer) }]));
    expect(problems(r.subjects)).toEqual([]);
    const files = r.subjects.find((s) => s.target === 'image')!.data.files as Array<{ path: string }>;
    expect(files.map((f) => f.path)).toEqual(['/usr/bin/su2']);
  });

  it('150,000 symlink loops in one layer are reported, not a stack overflow', async () => {
    // Problems were spread into push(...): past ~120,000 arguments that threw RangeError.
    const layer = symlinkTar(Array.from({ length: 150_000 }, (_, i) => [`l${i}`, `l${i}`]));
    const r = await load(await ociArchive([{ bytes: gz(layer) }]));
    expect(r.subjects.filter((s) => s.target === 'problem').length).toBe(150_000);
  }, 60_000);

  it('reports hard links whose target no layer holds, not those whose target a lower layer holds', async () => {
    const lower = await tarOf([{ name: 'bin/tool', content: 'x' }]);
    const upper = await tarOf([
      { name: 'bin/tool2', type: 'link', linkname: 'bin/tool' },
      { name: 'bin/ghost', type: 'link', linkname: 'bin/nowhere' },
    ]);
    const r = await load(await ociArchive([{ bytes: gz(lower) }, { bytes: gz(upper) }]));
    expect(problems(r.subjects)).toEqual(['image-hardlink-missing /bin/ghost hard link /bin/ghost points at /bin/nowhere, which no layer holds: runtimes cannot unpack it']);
  });

  it('a truncated layer is a finding, and the other layers are still read', async () => {
    const good = await tarOf([{ name: 'app/.env', content: 'A=1\n' }]);
    const big = gz(await tarOf([{ name: 'data.bin', content: crypto.randomBytes(200_000) }]));
    const r = await load(await ociArchive([{ bytes: gz(good) }, { bytes: big.subarray(0, big.length / 2) }]));
    expect(problems(r.subjects)).toEqual([`image-archive-invalid  layer ${blob(sha(big.subarray(0, big.length / 2))).replace(/([a-f0-9]{12})[a-f0-9]{52}/, '$1')} is unreadable: gzip stream is truncated`]);
    const files = r.subjects.find((s) => s.target === 'image')!.data.files as Array<{ path: string }>;
    expect(files.map((f) => f.path)).toEqual(['/app/.env']);
  });

  it('a tar cut inside a file is a finding', async () => {
    const layer = await tarOf([{ name: 'a.txt', content: 'x'.repeat(5000) }]);
    const r = await load(await ociArchive([{ bytes: layer.subarray(0, 2000), mediaType: 'application/vnd.oci.image.layer.v1.tar' }]));
    expect(problems(r.subjects)).toHaveLength(1);
    expect(problems(r.subjects)[0]).toMatch(/is unreadable: tar archive is truncated$/);
  });

  it('a gzip bomb stops at --image-max-bytes with an error that names the flag', async () => {
    // 256 MiB of zeros in one file: about 256 KiB.
    const bomb = await gzipBomb(256);
    expect(bomb.length).toBeLessThan(2 << 20);
    const archive = await ociArchive([{ bytes: bomb }]);

    const t0 = Date.now();
    const err = await load(archive, { maxBytes: 16 << 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageLimitError);
    expect((err as AigisError).format()).toMatch(/image\.tar: image exceeds the limit of 16777216 decompressed bytes \(layer blobs\/sha256\/[a-f0-9]{64}\); raise it with --image-max-bytes$/);
    expect(Date.now() - t0).toBeLessThan(10_000);

    // With the default bound the whole 256 MiB streams through without being held in memory.
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const r = await load(archive);
    clearInterval(sampler);
    expect(problems(r.subjects)).toEqual([]);
    expect(peak - before).toBeLessThan(128 << 20);
  });

  it('a zstd frame that lies about its size is refused before a decoder allocates it', async () => {
    // Single-segment frame whose 8-byte content size claims 4 GiB, then one tiny raw block.
    const claim = Buffer.alloc(8);
    claim.writeBigUInt64LE(4n << 30n);
    const single = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0]), claim, Buffer.from([0x09, 0x00, 0x00, 0x41])]);
    // A window descriptor claiming 2 GiB (exponent 21 → 2^31).
    const windowed = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3]), Buffer.from([0x09, 0x00, 0x00, 0x41])]);
    const r = await load(
      await ociArchive([
        { bytes: single, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
        { bytes: windowed, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
      ]),
    );
    const p = problems(r.subjects);
    expect(p).toHaveLength(2);
    expect(p.some((x) => x.endsWith("is unreadable: zstd frame declares a content size of 4294967296 bytes, above zstd's 128 MiB limit"))).toBe(true);
    expect(p.some((x) => x.endsWith("is unreadable: zstd frame declares a window of 2147483648 bytes, above zstd's 128 MiB limit"))).toBe(true);
  });

  it('garbage where a layer should be is a finding', async () => {
    const r = await load(await ociArchive([{ bytes: crypto.randomBytes(4096).fill(0x41, 0, 1) }]));
    expect(problems(r.subjects)[0]).toMatch(/^image-archive-invalid {2}layer blobs\/sha256\/[a-f0-9]{12} is not a tar archive, gzip or zstd stream$/);
  });
});

describe('hostile archives', () => {
  it('manifest.json naming a config and layers the archive lacks', async () => {
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {} }));
    const r = await load(
      await tarOf([
        { name: 'c.json', content: cfg },
        {
          name: 'manifest.json',
          content: JSON.stringify([
            { Config: 'missing.json', RepoTags: ['a:1'], Layers: ['x.tar'] },
            { Config: 'c.json', RepoTags: ['b:1'], Layers: ['gone/layer.tar'] },
          ]),
        },
      ]),
    );
    expect(problems(r.subjects)).toEqual([
      'image-archive-invalid  layer 1 (gone/layer.tar) is named by the manifest but missing from the archive',
      'image-archive-invalid  manifest.json image 0 names config "missing.json", which the archive does not hold',
    ]);
  });

  it('index.json naming a manifest the archive lacks, and an index that contains itself', async () => {
    // Digests are fixed by content, so no index can contain itself; nest one five deep instead.
    const empty = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] as unknown[] };
    let inner = Buffer.from(JSON.stringify(empty));
    const blobs: Entry[] = [{ name: blob(sha(inner)), content: inner }];
    const nested: Buffer[] = [];
    for (let i = 0; i < 5; i++) {
      const outer = Buffer.from(JSON.stringify({ ...empty, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha(inner), size: inner.length }] }));
      blobs.push({ name: blob(sha(outer)), content: outer });
      nested.push(outer);
      inner = outer;
    }
    const index = {
      schemaVersion: 2,
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 10 },
        { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha(inner), size: inner.length },
      ],
    };
    const r = await load(await tarOf([{ name: 'oci-layout', content: '{}' }, { name: 'index.json', content: JSON.stringify(index) }, ...blobs]));
    // index.json → nested[4] (depth 0) → [3] → [2] → [1] → nested[0] at depth 4: refused.
    expect(problems(r.subjects)).toEqual([
      `image-archive-invalid  image index ${sha(nested[0]!)} nests deeper than 4 levels`,
      `image-archive-invalid  index.json names manifest sha256:${'0'.repeat(64)}, which the archive does not hold`,
    ]);
  });

  it('a truncated archive is a finding, not a hang', async () => {
    const layer = gz(await tarOf([{ name: 'f', content: crypto.randomBytes(50_000) }]));
    const whole = await ociArchive([{ bytes: layer }]);
    const r = await load(whole.subarray(0, whole.length - 30_000 + 100));
    expect(problems(r.subjects).some((p) => p.includes('cannot read the whole archive: the archive is truncated'))).toBe(true);
  });

  it('a file that is not an archive at all', async () => {
    const r = await load(Buffer.from('this is not a tar file\n'.repeat(100)));
    expect(problems(r.subjects)).toEqual(['image-archive-invalid  cannot read the whole archive: the archive is not a tar (or is corrupt)']);
  });

  it('an empty file is a clear error', async () => {
    const err = await load(Buffer.alloc(0)).catch((e: unknown) => e);
    expect((err as AigisError).message).toBe('not an image archive: it holds neither manifest.json (docker-archive) nor index.json (OCI)');
  });

  it('a whole archive gzipped (docker save | gzip) is read like the plain one', async () => {
    const layer = gz(await tarOf([{ name: 'usr/bin/x', content: 'x', mode: 0o4755 }]));
    const r = await load(gz(await ociArchive([{ bytes: layer }])));
    const files = r.subjects.find((s) => s.target === 'image')!.data.files as Array<{ path: string }>;
    expect(files.map((f) => f.path)).toEqual(['/usr/bin/x']);
  });
});

describe('bounds', () => {
  it('entry count: --image-max-entries', async () => {
    const layer = await tarOf(Array.from({ length: 200 }, (_, i) => ({ name: `f${i}`, content: '' })));
    const err = await load(await ociArchive([{ bytes: gz(layer) }]), { maxEntries: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageLimitError);
    expect((err as Error).message).toMatch(/^image exceeds the limit of 100 tar entries \(layer blobs\/sha256\/[a-f0-9]{64}\); raise it with --image-max-entries$/);
  });

  it('path length: --image-max-path', async () => {
    const layer = await tarOf([{ name: `${'d/'.repeat(3000)}f`, content: 'x' }]);
    const err = await load(await ociArchive([{ bytes: gz(layer) }])).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^image exceeds the limit of 4096 bytes of path \(an entry of layer blobs\/sha256\/[a-f0-9]{64}\); raise it with --image-max-path$/);
  });

  it('single file read: --image-max-file-read', async () => {
    const status = `Package: a\nStatus: install ok installed\nVersion: 1\n\n${'Description: x\n'.repeat(100_000)}`;
    const layer = await tarOf([{ name: 'var/lib/dpkg/status', content: status }]);
    const err = await load(await ociArchive([{ bytes: gz(layer) }]), { maxFileRead: 1 << 20 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^image exceeds the limit of 1048576 bytes for one file read \(\/var\/lib\/dpkg\/status in layer blobs\/sha256\/[a-f0-9]{64} is 1500052 bytes\); raise it with --image-max-file-read$/);
  });

  it('a bound that is just met passes; a value that is not a positive integer falls back to the default', async () => {
    const layer = await tarOf([{ name: 'a', content: 'x' }]);
    const archive = await ociArchive([{ bytes: gz(layer) }]);
    await expect(load(archive, { maxEntries: 1 })).resolves.toBeDefined();
    await expect(load(archive, { maxEntries: 0 })).resolves.toBeDefined();
  });
});

describe('streams', () => {
  it('a Readable source works the same as a file (stdin)', async () => {
    const layer = gz(await tarOf([{ name: 'etc/shadow', content: 'root::1:0:99999:7:::\n' }]));
    const bytes = await ociArchive([{ bytes: layer }]);
    const r = await loadImageInput({ kind: 'image', path: '-', explicit: true }, { limits: DEFAULT_LIMITS, stdin: async () => Buffer.concat(await Readable.from([bytes]).toArray()), options: {}, tables: (await testCatalogue()).tables });
    expect(r.subjects.find((s) => s.target === 'image')!.data.shadow).toEqual([expect.objectContaining({ user: 'root', password: 'empty', line: 1 })]);
  });
});
