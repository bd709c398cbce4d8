// Property tests of the image loader on small generated archives: OCI and docker-archive
// layouts whose layers (plain, gzip, zstd, or garbage) hold hostile entries — `../` and absolute
// names, links to anything, device nodes and FIFOs, whiteouts, package databases and model
// headers with random content — and whose configs hold fields of any type; then the bytes of a
// layer or of the whole archive are damaged. Whatever the archive: the loader returns subjects or
// refuses with a clear error naming the file (an AigisError), never anything else, within a time
// bound; the engine evaluates what it returned; and any problem fails the run.
//
// test/loaders/image/hostile.test.ts holds the hand-made hostile archives, one behaviour each.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isFailing } from '../../src/cli/output.js';
import { evaluateLoaded } from '../../src/engine/scan.js';
import { DEFAULT_LIMITS } from '../../src/loaders/index.js';
import { loadImageInput } from '../../src/loaders/image/index.js';
import { AigisError } from '../../src/util/errors.js';
import { dockerArchive, ociArchive, tarOf, zstdFrame, type Entry } from '../helpers/oci.js';
import { testCatalogue } from '../helpers/scan.js';
import { applyDamage, weird } from './arbitraries.js';
import { fuzz, timed } from './bounds.js';

const LOAD_MS = 5000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-fuzz-image-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const NAMES = [
  'etc/passwd', 'etc/shadow', 'etc/group', 'usr/bin/tool', 'usr/local/bin/ollama', '../x', '../../etc/cron.d/evil', '/abs/file', './a/./b', 'a//b', 'a/../b',
  '.wh.gone', 'dir/.wh..wh..opq', 'dir/.wh.file', '', '.', '/', 'é/🚀', 'd/'.repeat(40) + 'f', 'var/lib/dpkg/status', 'lib/apk/db/installed',
  'var/lib/rpm/rpmdb.sqlite', 'app/.env', 'root/.ssh/id_rsa', 'root/.aws/credentials', 'models/m.safetensors', 'models/m.gguf', 'models/pytorch_model.bin', 'models/m.pkl',
  'usr/lib/python3/site-packages/torch-2.0.0.dist-info/METADATA', 'usr/lib/python3/site-packages/vllm-0.5.0.dist-info/METADATA', 'opt/app/package.json', 'usr/lib/x86_64-linux-gnu/libcuda.so.550.54.14',
  'self', 'loop/a', 'loop/b',
];

const CONTENTS = [
  'root:x:0:0::/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/bash\n',
  'root::19000:0:99999:7:::\nbob:$6$x$y:19000::::::\n',
  'Package: openssl\nStatus: install ok installed\nVersion: 1.1.1\n\nPackage: x\nVersion\n',
  'P:musl\nV:1.2.3-r0\n\nP:\nV:\n',
  'Metadata-Version: 2.1\nName: torch\nVersion: 2.0.0\n',
  'HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345\nOPENAI_API_KEY=sk-' + 'k'.repeat(48) + '\n',
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
  'GGUF\x03\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x00\x00\x00',
  '\xff\xff\xff\xff\xff\xff\xff\x7f{"__metadata__":',
  '\x08\x00\x00\x00\x00\x00\x00\x00{"a":1}',
  '\x80\x04\x95c__builtin__\neval\n',
  '{"name":"x","version":"1.0.0","dependencies":{"y":"*"}}',
  '',
];

const entry: fc.Arbitrary<Entry> = fc
  .record({
    name: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
    type: fc.constantFrom('file', 'file', 'file', 'directory', 'symlink', 'link', 'character-device', 'block-device', 'fifo'),
    linkname: fc.oneof(fc.constantFrom(...NAMES), fc.constantFrom('/etc/passwd', 'self', '../../..', 'loop/b', 'loop/a')),
    mode: fc.constantFrom(0o644, 0o755, 0o4755, 0o2755, 0o777, 0o1777, 0o666),
    content: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...CONTENTS) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)) }),
  })
  .map((e) => {
    const out: Entry = { name: e.name, type: e.type as Entry['type'], mode: e.mode };
    if (e.type === 'file') out.content = e.content;
    if (e.type === 'symlink' || e.type === 'link') out.linkname = e.linkname;
    if (e.type === 'character-device' || e.type === 'block-device') Object.assign(out, { devmajor: 1, devminor: 3 });
    return out;
  });

const compression = fc.constantFrom('none', 'gzip', 'gzip', 'zstd', 'garbage');

const layer = fc.record({ entries: fc.array(entry, { maxLength: 8 }), compression, damage: fc.option(fc.array(fc.tuple(fc.nat(11), fc.nat(), fc.nat()), { maxLength: 2 }), { nil: undefined }) });

const config = fc.record(
  {
    User: fc.oneof(fc.constantFrom('', 'root', '0', '1000:1000', 'bob', '0:0'), weird),
    Env: fc.oneof(fc.array(fc.oneof(fc.constantFrom('PATH=/usr/bin', 'HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'NOEQUALS', '=x', 'OLLAMA_HOST=0.0.0.0'), weird), { maxLength: 4 }), weird),
    ExposedPorts: fc.oneof(fc.dictionary(fc.constantFrom('8000/tcp', '11434/tcp', 'x', '99999/udp'), fc.constant({})), weird),
    Cmd: fc.oneof(fc.array(fc.oneof(fc.constantFrom('ollama', 'serve', '--api-key', 'sk-' + 'c'.repeat(40)), weird), { maxLength: 3 }), weird),
    Entrypoint: fc.oneof(fc.array(fc.constantFrom('/bin/sh', '-c', 'jupyter lab --NotebookApp.token='), { maxLength: 3 }), weird),
    Labels: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), weird)), weird),
    Healthcheck: weird,
  },
  { requiredKeys: [] },
);

const archive = fc.record({
  format: fc.constantFrom('oci', 'docker', 'oci-gzipped'),
  layers: fc.array(layer, { minLength: 0, maxLength: 3 }),
  config,
  damage: fc.option(fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 3, 11), fc.nat(), fc.nat()), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 4 }),
});

type ArchiveSpec = typeof archive extends fc.Arbitrary<infer T> ? T : never;

let counter = 0;
async function build(spec: ArchiveSpec): Promise<Buffer> {
  const blobs: Array<{ bytes: Buffer; mediaType: string }> = [];
  for (const l of spec.layers) {
    let bytes = await tarOf(l.entries);
    let mediaType = 'application/vnd.oci.image.layer.v1.tar';
    if (l.compression === 'gzip') [bytes, mediaType] = [zlib.gzipSync(bytes), `${mediaType}+gzip`];
    else if (l.compression === 'zstd') [bytes, mediaType] = [zstdFrame(bytes), `${mediaType}+zstd`];
    else if (l.compression === 'garbage') bytes = Buffer.from(bytes.map((b, i) => (b * 7 + i) & 0xff));
    if (l.damage) bytes = applyDamage(bytes, l.damage, false);
    blobs.push({ bytes, mediaType });
  }
  let out = spec.format === 'docker' ? await dockerArchive(blobs.map((b) => b.bytes), spec.config) : await ociArchive(blobs, spec.config);
  if (spec.format === 'oci-gzipped') out = zlib.gzipSync(out);
  if (spec.damage) out = applyDamage(out, spec.damage, false);
  return out;
}

async function checkArchive(bytes: Buffer): Promise<void> {
  const file = path.join(dir, `a${counter++}.tar`);
  fs.writeFileSync(file, bytes);
  const catalogue = await testCatalogue();
  const ctx = { limits: DEFAULT_LIMITS, stdin: async () => Buffer.alloc(0), options: {}, tables: catalogue.tables };
  const { value: outcome, ms } = await timed(() => loadImageInput({ kind: 'image', path: file, explicit: true, abs: file }, ctx).then((r) => ({ r }), (e: unknown) => ({ e })));
  fs.rmSync(file);
  expect(ms, `loading ${bytes.length} bytes took ${ms.toFixed(0)} ms`).toBeLessThan(LOAD_MS);
  if ('e' in outcome) {
    // A clear error: an AigisError naming the file, printed as one line.
    expect(outcome.e, String((outcome.e as Error)?.stack)).toBeInstanceOf(AigisError);
    const err = outcome.e as AigisError;
    expect(err.file).toBe(file);
    expect(err.format()).not.toContain('\n');
    return;
  }
  const r = outcome.r;
  expect(r.subjects.length, 'the loader said nothing about the archive').toBeGreaterThan(0);
  for (const s of r.subjects) {
    for (const p of ['', '/files/0/path', '/user', '/env/0', '/packages/3/name']) {
      const l = s.locate(p);
      expect(l.file).toBe(file);
    }
  }
  const result = evaluateLoaded({ documents: [], subjects: r.subjects, problems: [], secrets: new Set(r.secrets), stats: { files: 1, objects: 0, subjects: 0, skipped: 0, failed: 0 }, errors: [] }, { catalogue });
  if (r.subjects.some((s) => s.target === 'problem')) expect(isFailing(result, 'low')).toBe(true);
}

describe('image loader on hostile archives', () => {
  it('generated archives with hostile entries and configs, damaged: subjects or a clear error, in time, fail closed', async () => {
    await fc.assert(
      fc.asyncProperty(archive, async (spec) => {
        await checkArchive(await build(spec));
      }),
      fuzz(150),
    );
  }, 300_000);

  it('random bytes, and random bytes after a tar header', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (raw, headed) => {
        const bytes = headed ? Buffer.concat([(await tarOf([{ name: 'manifest.json', content: '[' }])).subarray(0, 512), Buffer.from(raw)]) : Buffer.from(raw);
        await checkArchive(bytes);
      }),
      fuzz(100),
    );
  }, 120_000);
});
