// `aigis sbom`: CycloneDX 1.6 JSON of the image inventory, checked with the CycloneDX library's
// own strict JSON schema validator, and the component list expected from build.sh.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { imageBom } from '../../../src/sbom/cyclonedx.js';
import type { Subject } from '../../../src/model/types.js';
import { aigis } from '../../helpers/cli.js';

const fixture = (name: string) => path.resolve(__dirname, '../../fixtures/images', name);

async function validate(json: string): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
}

interface Component {
  type: string;
  name: string;
  version?: string;
  purl?: string;
  properties?: Array<{ name: string; value: string }>;
  components?: Component[];
}

const prop = (c: Component, name: string) => c.properties?.find((p) => p.name === name)?.value;

describe('aigis sbom', () => {
  it('writes CycloneDX 1.6 that the library validator accepts, with packages, GPU libraries and models', async () => {
    const r = aigis(['sbom', fixture('ai-server.docker.tar')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await validate(r.stdout)).toBeNull();
    const bom = JSON.parse(r.stdout) as { specVersion: string; metadata: { component: Component }; components: Component[] };
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.component).toMatchObject({ type: 'container', name: 'example.com/ai/server:1.0' });
    expect(prop(bom.metadata.component, 'aigis:platform')).toBe('linux/amd64');
    const list = bom.components.map((c) => `${c.type} ${c.name} ${c.version ?? '-'} ${c.purl ?? '-'}`).sort();
    expect(list).toEqual(
      [
        'operating-system debian 12 -',
        'library base-files 12.4+deb12u5 pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12',
        'library libc6 2.36-9+deb12u7 pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12',
        'library libcudnn9-cuda-12 9.1.0.70-1 pkg:deb/debian/libcudnn9-cuda-12@9.1.0.70-1?arch=amd64&distro=debian-12',
        'library nvidia-container-toolkit 1.17.3-1 pkg:deb/debian/nvidia-container-toolkit@1.17.3-1?arch=amd64&distro=debian-12',
        'library torch 2.5.1 pkg:pypi/torch@2.5.1',
        'library vllm 0.8.4 pkg:pypi/vllm@0.8.4',
        'library numpy 1.26.4 pkg:pypi/numpy@1.26.4',
        'library legacy-pkg 0.1 pkg:pypi/legacy-pkg@0.1',
        'library openssl 3.0.13 pkg:conda/openssl@3.0.13',
        'library express 4.19.2 pkg:npm/express@4.19.2',
        'library @scope/lib 1.0.0 pkg:npm/%40scope/lib@1.0.0',
        'library CUDA 12.4.1 -',
        'library cuDNN 9.1.0 -',
        'library NCCL 2.21.5 -',
        'machine-learning-model encoder.safetensors - -',
        'machine-learning-model classifier.pkl - -',
      ].sort(),
    );
    const pkl = bom.components.find((c) => c.name === 'classifier.pkl')!;
    expect(prop(pkl, 'aigis:path')).toBe('/app/models/classifier.pkl');
    expect(prop(pkl, 'aigis:model-format')).toBe('pickle');
    expect(prop(pkl, 'aigis:pickle')).toBe('true');
    expect(prop(pkl, 'aigis:layer')).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('--output writes the file; an archive with two images nests one container component each', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-sbom-')), 'bom.json');
    const r = aigis(['sbom', fixture('ai-server-two-images.layout.tar'), '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const json = fs.readFileSync(out, 'utf8');
    expect(await validate(json)).toBeNull();
    const bom = JSON.parse(json) as { metadata: { component: Component }; components: Component[] };
    expect(bom.metadata.component.type).toBe('file');
    expect(bom.components.map((c) => `${c.type} ${c.name}`).sort()).toEqual(['container 1.0', 'container 1.0-zstd']);
    for (const img of bom.components) expect(img.components!.filter((c) => c.type === 'machine-learning-model')).toHaveLength(2);
  });

  it('picks a platform with --platform, and a bad value is a usage error', async () => {
    const r = aigis(['sbom', fixture('multiarch.oci.tar'), '--platform', 'linux/arm64']);
    expect(r.code).toBe(0);
    expect(prop(JSON.parse(r.stdout).metadata.component, 'aigis:platform')).toBe('linux/arm64');
    const bad = aigis(['sbom', fixture('multiarch.oci.tar'), '--platform', 'arm64']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('aigis: --platform must be OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64 (got "arm64")\n');
  });

  it('an unreadable archive is exit 2 with one line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-sbom-'));
    fs.writeFileSync(path.join(dir, 'empty.tar'), '');
    const r = aigis(['sbom', 'empty.tar'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aigis: empty.tar: not an image archive: it holds neither manifest.json (docker-archive) nor index.json (OCI)\n');
  });
});

describe('imageBom', () => {
  it('makes NumPy arrays data components and model weights machine-learning-model components', async () => {
    const model = (path: string, format: string) => ({ path, format, pickle: false, verified: true, size: 10, sizeText: '10 B', layer: 1, layerDigest: `sha256:${'a'.repeat(64)}` });
    const subject: Subject = {
      target: 'image',
      key: 'image:x',
      locate: () => ({ pointer: '' }),
      data: { name: 'x', ref: null, digest: null, configDigest: null, platform: null, format: 'oci', os: null, packages: [], gpu: { cuda: null, cudnn: null, nccl: null }, models: [model('/m/w.gguf', 'gguf'), model('/m/emb.npy', 'numpy')] },
    };
    const json = imageBom([subject], '0.0.0', 'x.tar');
    expect(await validate(json)).toBeNull();
    const types = (JSON.parse(json).components as Component[]).map((c) => `${c.type} ${c.name}`).sort();
    expect(types).toEqual(['data emb.npy', 'machine-learning-model w.gguf']);
  });
});

describe('aigis scan on images', () => {
  it('masks every secret in every format', () => {
    for (const format of ['text', 'json']) {
      const r = aigis(['scan', '--format', format, fixture('ai-server.oci.tar')]);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('aigisFixtureNotARealToken');
      expect(r.stdout).not.toContain('aigisFixtureNotARealKey');
      expect(r.stdout).toContain('hf_ai…');
    }
  });

  it('JSON locations carry the layer digest and the image', () => {
    const r = aigis(['scan', '--format', 'json', '--rule', 'image-setuid-binary', fixture('ai-server.docker.tar')]);
    const f = JSON.parse(r.stdout).findings[0];
    expect(f.location).toMatchObject({ pointer: '/usr/local/bin/helper', image: 'example.com/ai/server:1.0' });
    expect(f.location.layer).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('--platform and --image-max-* reach the loader', () => {
    const arm = aigis(['scan', '--format', 'json', '--rule', 'image-setuid-binary', '--platform', 'linux/arm64', fixture('multiarch.oci.tar')]);
    expect(JSON.parse(arm.stdout).findings.map((f: { location: { pointer: string } }) => f.location.pointer)).toEqual(['/usr/local/bin/arm-helper']);
    const small = aigis(['scan', '--image-max-entries', '5', fixture('ai-server.oci.tar')]);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/^aigis: .*ai-server\.oci\.tar: image exceeds the limit of 5 tar entries \(layer blobs\/sha256\/[a-f0-9]{64}\); raise it with --image-max-entries\n$/);
    const bad = aigis(['scan', '--image-max-bytes', 'lots', fixture('ai-server.oci.tar')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('aigis: --image-max-bytes must be a positive integer (got "lots")\n');
  });

  it('reads an archive from standard input', () => {
    const r = aigis(['scan', '--stdin-type', 'image', '--format', 'json', '--rule', 'image-ld-preload', '-'], { input: fs.readFileSync(fixture('ai-server.oci.tar')) });
    expect(JSON.parse(r.stdout).findings.map((f: { location: { file: string; pointer: string } }) => `${f.location.file} ${f.location.pointer}`)).toEqual(['- /config/Env/3']);
  });
});
