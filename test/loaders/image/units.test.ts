// The image loader's parts: paths, the path set, token search, the zstd frame guard, model
// headers, package databases and accounts.

import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { decoder, sniffCompression, ZstdFrameGuard } from '../../../src/loaders/image/decompress.js';
import { findTokens, normalizeEntryPath, planFile, resolveLink } from '../../../src/loaders/image/layer.js';
import { PathSet } from '../../../src/loaders/image/path-set.js';
import { imageTables, literalPrefixes } from '../../../src/loaders/image/tables.js';
import {
  gpuLibraryFromName,
  parseApk,
  parseCudaVersion,
  parseDpkg,
  parseHeaderVersion,
  parseNpm,
  parsePythonMetadata,
  parseShadow,
  sniffModel,
} from '../../../src/loaders/image/content.js';
import { effectiveUser } from '../../../src/model/image.js';
import { testCatalogue } from '../../helpers/scan.js';

const b = (s: string) => Buffer.from(s);

describe('entry paths', () => {
  it.each([
    ['./etc/passwd', '/etc/passwd', false, false],
    ['etc//x/./y/', '/etc/x/y', false, false],
    ['/', '/', false, false],
    ['/etc/shadow', '/etc/shadow', false, true],
    ['a/../b', '/b', false, false],
    ['../../etc/cron.d/x', '/etc/cron.d/x', true, false],
    ['a/../../x', '/x', true, false],
  ])('%s → %s', (name, path, escapes, absolute) => {
    expect(normalizeEntryPath(name)).toEqual({ path, escapes, absolute });
  });

  it('resolves symlink targets inside the root', () => {
    expect(resolveLink('/usr/lib/libx.so', 'libx.so.1')).toBe('/usr/lib/libx.so.1');
    expect(resolveLink('/a/b/c', '../../../../etc/passwd')).toBe('/etc/passwd');
    expect(resolveLink('/bin', '/usr/bin')).toBe('/usr/bin');
  });
});

describe('PathSet', () => {
  it('answers membership after growing and with duplicates', () => {
    const s = new PathSet();
    for (let i = 0; i < 1000; i++) s.add(`/usr/lib/file${i}`);
    s.add('/usr/lib/file7');
    expect(s.has('/usr/lib/file0')).toBe(true);
    expect(s.has('/usr/lib/file999')).toBe(true);
    expect(s.has('/usr/lib/file1000')).toBe(false);
    expect(s.size).toBe(1000);
    s.add('/new');
    expect(s.has('/new')).toBe(true);
  });
});

describe('token search', () => {
  it('derives a literal prefilter from each token pattern', () => {
    expect(literalPrefixes('\\bhf_[A-Za-z0-9]{30,}')).toEqual(['hf_']);
    expect(literalPrefixes('\\b(ghp|gho)_[A-Za-z0-9]{30,}')).toEqual(['ghp_', 'gho_']);
    expect(literalPrefixes('\\bsk-(proj-)?[A-Za-z0-9_-]{20,}')).toEqual(['sk-']);
    expect(literalPrefixes('-----BEGIN ([A-Z]+ )?PRIVATE KEY-----')).toEqual(['-----BEGIN ']);
    expect(literalPrefixes('[a-z]+token')).toBeUndefined();
  });

  it('finds tokens with their line; the more specific pattern wins an overlap', async () => {
    const t = imageTables((await testCatalogue()).tables);
    const text = 'a = 1\nkey = "sk-ant-api03-aaaaaaaaaaaaaaaaaaaaaaaa"\n\nhf = "hf_abcdefghijklmnopqrstuvwxyz0123456789"\n';
    expect(findTokens(text, t).map((h) => `${h.kind}@${h.line}`)).toEqual(['anthropic@2', 'huggingface@4']);
    expect(findTokens('nothing to see here\n', t)).toEqual([]);
  });

  it('plans which files to read', async () => {
    const t = imageTables((await testCatalogue()).tables);
    expect(planFile('/app/.env', 10, t)).toMatchObject({ secretKind: 'dotenv', tokens: true });
    expect(planFile('/app/.env.example', 10, t).secretKind).toBeUndefined();
    expect(planFile('/etc/ssl/private/site.key', 10, t).secretContains?.map((c) => c.kind)).toEqual(['private-key']);
    expect(planFile('/usr/lib/python3/dist-packages/x.py', 10, t).tokens).toBe(false);
    expect(planFile('/app/big.txt', 2 << 20, t).tokens).toBe(false);
    expect(planFile('/var/lib/dpkg/status', 10, t).parser).toBe('dpkg');
    expect(planFile('/var/lib/dpkg/status.d/libc6', 10, t).parser).toBe('dpkg');
    expect(planFile('/var/lib/dpkg/status.d/libc6.md5sums', 10, t).parser).toBeUndefined();
    expect(planFile('/srv/node_modules/@a/b/package.json', 10, t).parser).toBe('npm');
    expect(planFile('/srv/node_modules/@a/b/lib/package.json', 10, t).parser).toBeUndefined();
    expect(planFile('/models/m.safetensors', 10, t)).toMatchObject({ model: 'safetensors', tokens: false });
    expect(planFile('/usr/lib/python3/site-packages/sk/tests/data/m.pkl', 10, t).model).toBeUndefined();
    expect(planFile('/usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.7', 10, t).gpuLib).toEqual({ lib: 'cudnn', version: '8.9.7' });
  });
});

/** A zstd frame holding `data` in one raw block (single segment, 1-byte content size). */
function rawFrame(data: string): Buffer {
  const body = b(data);
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, body.length]);
  const block = body.length * 8 + 1; // last block, type raw
  return Buffer.concat([header, Buffer.from([block & 0xff, (block >> 8) & 0xff, (block >> 16) & 0xff]), body]);
}

async function decode(kind: 'zstd' | 'gzip' | 'none', bytes: Buffer, chunk = 3): Promise<string> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  const out = await Readable.from(parts).pipe(decoder(kind)).toArray();
  return Buffer.concat(out as Buffer[]).toString();
}

describe('zstd', () => {
  it('decodes frames split at any byte, skippable frames included', async () => {
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0]), b('meta')]);
    const stream = Buffer.concat([rawFrame('hello '), skippable, rawFrame('world')]);
    expect(sniffCompression(stream)).toBe('zstd');
    expect(await decode('zstd', stream, 1)).toBe('hello world');
    expect(await decode('zstd', stream, 1000)).toBe('hello world');
  });

  it('refuses windows above 128 MiB, reserved blocks and streams that stop inside a frame', () => {
    const big = new ZstdFrameGuard();
    expect(() => big.check(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 18 << 3]))).toThrow(/window of 268435456 bytes, above zstd's 128 MiB limit/);
    const ok = new ZstdFrameGuard();
    expect(() => ok.check(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 17 << 3]))).not.toThrow();
    const reserved = new ZstdFrameGuard();
    expect(() => reserved.check(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 1, 0x07, 0, 0]))).toThrow(/reserved type/);
    const cut = new ZstdFrameGuard();
    cut.check(rawFrame('hello').subarray(0, 8));
    expect(() => cut.finish()).toThrow(/ends inside a frame/);
    expect(() => new ZstdFrameGuard().check(b('PK\x03\x04'))).toThrow(/not a zstd frame/);
  });

  it('a corrupt stream errors instead of hanging', async () => {
    await expect(decode('zstd', Buffer.concat([rawFrame('x'), b('garbage!')]))).rejects.toThrow(/not a zstd frame/);
  });
});

describe('model headers', () => {
  const st = (() => {
    const h = b('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(h.length));
    return Buffer.concat([n, h, Buffer.alloc(4)]);
  })();
  const zipWith = (name: string) => {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(name.length, 26);
    return Buffer.concat([h, b(name)]);
  };
  it.each([
    ['safetensors', st, 'safetensors', 'safetensors', false],
    ['gguf', Buffer.concat([b('GGUF'), Buffer.alloc(8)]), 'gguf', 'gguf', false],
    ['h5', Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), 'hdf5', 'hdf5', false],
    ['npy', Buffer.concat([Buffer.from([0x93]), b("NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False}")]), 'numpy', 'numpy', true],
    ['bin', zipWith('archive/data.pkl'), 'pytorch', 'pytorch', true],
    ['pt', Buffer.from([0x80, 0x02, 0x8a, 0x0a]), 'pytorch', 'pytorch', true],
    ['joblib', Buffer.from([0x78, 0x9c, 0x01]), 'joblib', 'joblib', true],
    ['keras', zipWith('metadata.json'), 'keras', 'keras', false],
    ['tflite', Buffer.concat([Buffer.alloc(4), b('TFL3')]), 'tflite', 'tflite', false],
    ['onnx', Buffer.from([0x08, 0x07, 0x12]), 'onnx', 'onnx', false],
  ])('%s', (ext, head, expected, format, pickle) => {
    expect(sniffModel(head, ext, expected)).toMatchObject({ format, pickle, verified: true });
  });

  it('a .bin that is not a model is not a model', () => {
    expect(sniffModel(Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'bin', 'pytorch')).toBeUndefined();
  });
});

describe('package databases and accounts', () => {
  it('dpkg: installed packages only, continuation lines, source packages', () => {
    const status = [
      'Package: libssl3',
      'Status: install ok installed',
      'Source: openssl (3.0.11-1)',
      'Version: 3.0.11-1~deb12u2',
      'Architecture: amd64',
      'Description: SSL',
      ' continued line: with a colon',
      '',
      'Package: gone',
      'Status: deinstall ok config-files',
      'Version: 1',
      '',
      'Package: noStatus',
      'Version: 2',
    ].join('\n');
    expect(parseDpkg(b(status))).toEqual([
      { ecosystem: 'deb', name: 'libssl3', version: '3.0.11-1~deb12u2', arch: 'amd64', source: 'openssl' },
      { ecosystem: 'deb', name: 'noStatus', version: '2' },
    ]);
  });

  it('apk, Python metadata, npm', () => {
    expect(parseApk(b('C:Q1x=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\n\nP:busybox\nV:1.36.1-r5\n'))).toEqual([
      { ecosystem: 'apk', name: 'musl', version: '1.2.4-r2', arch: 'x86_64', license: 'MIT' },
      { ecosystem: 'apk', name: 'busybox', version: '1.36.1-r5' },
    ]);
    expect(parsePythonMetadata(b('Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1+cu124\n\nName: not-this\n'))).toEqual([{ ecosystem: 'pypi', name: 'torch', version: '2.5.1+cu124' }]);
    expect(parseNpm(b('{"name":"left-pad","version":"1.3.0"}'))).toEqual([{ ecosystem: 'npm', name: 'left-pad', version: '1.3.0' }]);
    expect(parseNpm(b('{not json'))).toEqual([]);
  });

  it('shadow keeps whether a password is set, never the hash', () => {
    expect(parseShadow(b('root:*:1::::::\nbob::1::::::\nsvc:$6$s$h:1::::::\nlocked:!$6$x:1::::::\n'))).toEqual([
      { name: 'root', password: 'locked', line: 1 },
      { name: 'bob', password: 'empty', line: 2 },
      { name: 'svc', password: 'set', line: 3 },
      { name: 'locked', password: 'locked', line: 4 },
    ]);
  });

  it('CUDA, cuDNN and NCCL versions', () => {
    expect(parseCudaVersion(b('CUDA Version 11.8.89\n'))).toBe('11.8.89');
    expect(parseCudaVersion(b('{"cuda":{"version":"12.4.1"}}'))).toBe('12.4.1');
    expect(parseHeaderVersion(b('#define NCCL_MAJOR 2\n#define NCCL_MINOR 21\n#define NCCL_PATCH 5\n'), 'NCCL')).toBe('2.21.5');
    expect(gpuLibraryFromName('libcudart.so.12.4.127')).toEqual({ lib: 'cuda', version: '12.4.127' });
    expect(gpuLibraryFromName('libcudnn.so')).toBeUndefined();
  });

  it('the effective user', () => {
    const users = [
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/sh' },
      { name: 'app', uid: 1000, gid: 1000, home: '/app', shell: '/bin/sh' },
    ];
    expect(effectiveUser('', users)).toMatchObject({ root: true, uid: 0, explicit: false, text: 'no User set' });
    expect(effectiveUser('0:0', users)).toMatchObject({ root: true, name: 'root' });
    expect(effectiveUser('app', users)).toMatchObject({ root: false, uid: 1000 });
    expect(effectiveUser('1000:0', users)).toMatchObject({ root: false, name: 'app' });
    expect(effectiveUser('ghost', users)).toMatchObject({ root: false, uid: null, text: 'User "ghost"' });
  });
});
