// The image loader on archives made by real tools (test/fixtures/images/build.sh: umoci, skopeo,
// zstd): the same image as a docker-archive, an oci-archive with gzip layers, one with zstd
// layers and an OCI layout directory must give the same subject and the same findings; the
// multi-platform index is narrowed by --platform. Expected values come from build.sh.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/loaders/index.js';
import { loadImageInput } from '../../../src/loaders/image/index.js';
import { scan } from '../../../src/engine/scan.js';
import type { Subject } from '../../../src/model/types.js';
import { testCatalogue } from '../../helpers/scan.js';

const dir = path.resolve(__dirname, '../../fixtures/images');
const fixture = (name: string) => path.join(dir, name);

async function load(file: string, options: Record<string, unknown> = {}) {
  const catalogue = await testCatalogue();
  return loadImageInput({ kind: 'image', path: file, explicit: true }, { limits: DEFAULT_LIMITS, stdin: async () => fs.readFileSync(file), options, tables: catalogue.tables });
}

function image(subjects: Subject[]): Record<string, unknown> {
  const images = subjects.filter((s) => s.target === 'image');
  expect(images).toHaveLength(1);
  return images[0]!.data;
}

/** The OCI layout inside an oci-archive, unpacked by GNU tar into a temporary directory. */
function layoutDir(archive: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-layout-'));
  execFileSync('tar', ['-xf', archive, '-C', out]);
  return out;
}

async function findingKeys(file: string, loaderOptions: Record<string, unknown> = {}) {
  const r = await scan([file], { catalogue: await testCatalogue(), loaderOptions });
  expect(r.errors.map((e) => e.format())).toEqual([]);
  return r.findings.map((f) => `${f.ruleId} ${f.location.pointer}`).sort();
}

// build.sh, image "ai": five layers; the config's Env is PATH, OLLAMA_HOST, HF_TOKEN,
// LD_PRELOAD, NVIDIA_DRIVER_CAPABILITIES.
const AI_FINDINGS = [
  'image-ai-server-listens-all /config/Env/1',
  'image-empty-password /etc/shadow',
  'image-healthcheck-missing /config/Healthcheck',
  'image-ld-preload /config/Env/3',
  'image-model-weights-baked /app/models/encoder.safetensors',
  'image-nvidia-all-capabilities /config/Env/4',
  'image-pickle-model /app/models/classifier.pkl',
  'image-runs-as-root /config/User',
  'image-secret-file /app/.env',
  'image-secret-file /app/cache/.env.local',
  'image-secret-file /root/.cache/huggingface/token',
  'image-secret-in-env /config/Env/2',
  'image-setuid-binary /usr/local/bin/helper',
  'image-token-in-file /app/settings.py',
  'image-vulnerable-component /usr/local/lib/python3.11/site-packages/torch-2.5.1.dist-info/METADATA',
  'image-vulnerable-component /usr/local/lib/python3.11/site-packages/vllm-0.8.4.dist-info/METADATA',
  'image-vulnerable-component /var/lib/dpkg/status',
  'image-world-writable /srv/shared',
].sort();

describe('image formats made by real tools', () => {
  it.each([
    ['docker-archive (skopeo, uncompressed layers, symlinked layer.tar)', 'ai-server.docker.tar'],
    ['oci-archive with gzip layers', 'ai-server.oci.tar'],
    ['oci-archive with zstd layers', 'ai-server-zstd.oci.tar'],
  ])('%s gives every expected finding', async (_, name) => {
    expect(await findingKeys(fixture(name))).toEqual(AI_FINDINGS);
  });

  it('an OCI layout directory gives the same findings', async () => {
    const layout = layoutDir(fixture('ai-server.oci.tar'));
    expect(await findingKeys(layout)).toEqual(AI_FINDINGS);
  });

  it('reads the layer compression from the bytes', async () => {
    const gz = image((await load(fixture('ai-server.oci.tar'))).subjects).layers as Array<{ mediaType: string }>;
    const zst = image((await load(fixture('ai-server-zstd.oci.tar'))).subjects).layers as Array<{ mediaType: string }>;
    expect(gz.map((l) => l.mediaType)).toEqual(Array(5).fill('application/vnd.oci.image.layer.v1.tar+gzip'));
    expect(zst.map((l) => l.mediaType)).toEqual(Array(5).fill('application/vnd.oci.image.layer.v1.tar+zstd'));
  });

  it('names the image, its platform and its configuration', async () => {
    const d = image((await load(fixture('ai-server.docker.tar'))).subjects);
    expect(d.ref).toBe('example.com/ai/server:1.0');
    expect(d.format).toBe('docker-archive');
    expect(d.platform).toBe('linux/amd64');
    expect(d.argv).toEqual(['ollama', 'serve']);
    expect(d.exposedPorts).toEqual([{ port: 11434, protocol: 'tcp' }]);
    expect(d.user).toMatchObject({ root: true, uid: 0, explicit: false });
    expect(d.os).toEqual({ id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)' });
    expect((d.history as unknown[]).length).toBeGreaterThanOrEqual(5);
  });

  it('applies whiteouts and opaque directories in layer order', async () => {
    const d = image((await load(fixture('ai-server.oci.tar'))).subjects);
    const files = d.files as Array<Record<string, unknown>>;
    const token = files.find((f) => f.path === '/root/.cache/huggingface/token')!;
    expect(token).toMatchObject({ layer: 3, deletedIn: 4, present: false, secret: 'huggingface-token' });
    expect(token.state).toMatch(/^present in layer 3 \(sha256:[a-f0-9]{12}\), deleted in layer 4 \(sha256:[a-f0-9]{12}\) — still in the image$/);
    // /app/cache was replaced by an opaque directory in layer 5.
    expect(files.find((f) => f.path === '/app/cache/.env.local')).toMatchObject({ layer: 3, deletedIn: 5, present: false });
    expect(files.find((f) => f.path === '/usr/local/bin/helper')).toMatchObject({ present: true, setuid: true, usualSetuid: false, mode: '4755' });
    expect(files.find((f) => f.path === '/usr/bin/passwd')).toMatchObject({ present: true, usualSetuid: true });
  });

  it('builds the inventory: packages, GPU libraries, models', async () => {
    const d = image((await load(fixture('ai-server.oci.tar'))).subjects);
    const pk = (d.packages as Array<Record<string, string>>).map((p) => `${p.ecosystem} ${p.name} ${p.version} ${p.purl}`);
    expect(pk).toEqual([
      'conda openssl 3.0.13 pkg:conda/openssl@3.0.13',
      'deb base-files 12.4+deb12u5 pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12',
      'deb libc6 2.36-9+deb12u7 pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12',
      'deb libcudnn9-cuda-12 9.1.0.70-1 pkg:deb/debian/libcudnn9-cuda-12@9.1.0.70-1?arch=amd64&distro=debian-12',
      'deb nvidia-container-toolkit 1.17.3-1 pkg:deb/debian/nvidia-container-toolkit@1.17.3-1?arch=amd64&distro=debian-12',
      'npm @scope/lib 1.0.0 pkg:npm/%40scope/lib@1.0.0',
      'npm express 4.19.2 pkg:npm/express@4.19.2',
      'pypi legacy-pkg 0.1 pkg:pypi/legacy-pkg@0.1',
      'pypi numpy 1.26.4 pkg:pypi/numpy@1.26.4',
      'pypi torch 2.5.1 pkg:pypi/torch@2.5.1',
      'pypi vllm 0.8.4 pkg:pypi/vllm@0.8.4',
    ]);
    // oldpkg is `deinstall ok config-files`: not installed.
    expect(pk.some((p) => p.includes('oldpkg'))).toBe(false);
    expect(d.gpu).toEqual({
      cuda: { version: '12.4.1', from: 'version-file', path: '/usr/local/cuda-12.4/version.json' },
      cudnn: { version: '9.1.0', from: 'header', path: '/usr/include/cudnn_version.h' },
      nccl: { version: '2.21.5', from: 'library', path: '/usr/lib/x86_64-linux-gnu/libnccl.so.2.21.5' },
    });
    expect((d.models as Array<Record<string, unknown>>).map((m) => `${m.path} ${m.format} ${m.pickle}`)).toEqual([
      '/app/models/encoder.safetensors safetensors false',
      '/app/models/classifier.pkl pickle true',
    ]);
    // 32 KiB of tensor data plus an 8-byte length and the JSON header; 16 KiB of pickle.
    expect(d.modelCount).toBe(2);
  });

  it('finds the AI server, where it listens and that nothing authenticates it', async () => {
    const d = image((await load(fixture('ai-server.oci.tar'))).subjects);
    expect(d.component).toMatchObject({ id: 'ollama', matchedBy: 'command', listensAll: true, listenVia: 'OLLAMA_HOST=0.0.0.0', exposedPorts: ['11434/tcp'], auth: { enabled: false } });
  });

  it('returns the secrets it saw so that every output masks them', async () => {
    const r = await load(fixture('ai-server.oci.tar'));
    expect(r.secrets).toContain('hf_aigisFixtureNotARealToken00000000001');
    expect(r.secrets).toContain('sk-proj-aigisFixtureNotARealKey000000001');
    // The image subject keeps token kinds and lines, never the token.
    expect(JSON.stringify(image(r.subjects).files)).not.toContain('aigisFixture');
  });

  it('locates file findings at the path and the layer that holds it, config findings at the field', async () => {
    const file = path.relative(process.cwd(), fixture('ai-server.docker.tar'));
    const r = await scan([file], { catalogue: await testCatalogue(), only: new Set(['image-secret-file', 'image-ld-preload']) });
    const d = image((await load(fixture('ai-server.docker.tar'))).subjects);
    const layers = (d.layers as Array<{ digest: string }>).map((l) => l.digest);
    const token = r.findings.find((f) => f.location.pointer === '/root/.cache/huggingface/token')!;
    expect(token.location).toMatchObject({ file, layer: layers[2], image: 'example.com/ai/server:1.0' });
    expect(token.related).toEqual([expect.objectContaining({ pointer: '/root/.cache/huggingface/token', layer: layers[3], message: 'deleted in layer 4' })]);
    const preload = r.findings.find((f) => f.ruleId === 'image-ld-preload')!;
    expect(preload.location).toEqual({ file, pointer: '/config/Env/3', image: 'example.com/ai/server:1.0' });
  });
});

describe('multi-platform index', () => {
  it('picks linux/amd64 by default and lists the other platforms', async () => {
    const d = image((await load(fixture('multiarch.oci.tar'))).subjects);
    expect(d.platform).toBe('linux/amd64');
    expect(d.otherPlatforms).toEqual(['linux/arm64']);
    expect(d.files).toEqual([]);
  });

  it('--platform picks another one', async () => {
    const d = image((await load(fixture('multiarch.oci.tar'), { platform: 'linux/arm64' })).subjects);
    expect(d.platform).toBe('linux/arm64');
    expect(d.otherPlatforms).toEqual(['linux/amd64']);
    expect((d.files as Array<{ path: string }>).map((f) => f.path)).toEqual(['/usr/local/bin/arm-helper']);
  });

  it('a platform the index lacks is a clear error naming the ones it has', async () => {
    const err = await load(fixture('multiarch.oci.tar'), { platform: 'linux/s390x' }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('the image multi has no linux/s390x manifest (platforms: linux/amd64, linux/arm64); choose one with --platform');
  });
});

describe('standard input', () => {
  it('reads an archive from stdin (--stdin-type image)', async () => {
    const file = fixture('ai-server.oci.tar');
    const r = await loadImageInput({ kind: 'image', path: '-', explicit: true }, { limits: DEFAULT_LIMITS, stdin: async () => fs.readFileSync(file), options: {}, tables: (await testCatalogue()).tables });
    expect(image(r.subjects).ref).toBe('1.0');
  });
});
