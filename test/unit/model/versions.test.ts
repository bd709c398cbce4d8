import { describe, expect, it } from 'vitest';
import { loadDataDir } from '../../../src/rules/data-load.js';
import { builtinRulesDir } from '../../../src/rules/paths.js';
import { parseImageRef } from '../../../src/model/image-ref.js';
import { compareVersions, matchVulnerabilities, parseVersion, versionFromTag, vulnerabilityDb, type VulnerabilityDb } from '../../../src/model/versions.js';

const db: VulnerabilityDb = vulnerabilityDb(loadDataDir(builtinRulesDir()));

function verdict(product: string, version: string, ctx = {}) {
  return matchVulnerabilities(db, product, version, ctx);
}

describe('compareVersions', () => {
  it('orders semver releases numerically, not as text', () => {
    expect(compareVersions('semver', '1.17.10', '1.17.8')).toBeGreaterThan(0);
    expect(compareVersions('semver', 'v1.16.1', '1.16.2')).toBeLessThan(0);
    expect(compareVersions('semver', '0.1.34', '0.1.34')).toBe(0);
  });

  it('reads a semver release line as its newest release', () => {
    expect(compareVersions('semver', '7.2', '7.2.11')).toBeGreaterThan(0);
    expect(compareVersions('semver', '7.2', '7.3.0')).toBeLessThan(0);
    expect(compareVersions('semver', '7', '7.4.6')).toBeGreaterThan(0);
  });

  it('orders Python releases with pre, post and dev segments (PEP 440)', () => {
    expect(compareVersions('pep440', '0.8.5rc1', '0.8.5')).toBeLessThan(0);
    expect(compareVersions('pep440', '0.8.5.post1', '0.8.5')).toBeGreaterThan(0);
    expect(compareVersions('pep440', '0.8.5.dev3', '0.8.5rc1')).toBeLessThan(0);
    expect(compareVersions('pep440', 'v0.10.0', '0.9.2')).toBeGreaterThan(0);
  });

  it('orders Triton yy.mm releases by year, then month', () => {
    expect(compareVersions('yymm', '24.12', '25.07')).toBeLessThan(0);
    expect(compareVersions('yymm', '25.10', '25.07')).toBeGreaterThan(0);
    expect(compareVersions('yymm', '25.07', '25.07')).toBe(0);
  });

  it('orders llama.cpp builds by build number', () => {
    expect(compareVersions('build', 'b999', 'b3561')).toBeLessThan(0);
    expect(compareVersions('build', 'b4000', 'b3561')).toBeGreaterThan(0);
  });

  it('refuses what is not a version of the scheme', () => {
    expect(compareVersions('semver', 'latest', '1.0.0')).toBeUndefined();
    expect(compareVersions('yymm', '2025.07', '25.07')).toBeUndefined();
    expect(compareVersions('build', 'server', 'b1')).toBeUndefined();
    expect(parseVersion('pep440', 'nightly')).toBeUndefined();
  });
});

describe('versionFromTag', () => {
  it('takes the version out of image tags with OS and flavour suffixes', () => {
    expect(versionFromTag({ scheme: 'semver' }, 'v1.17.8-ubuntu20.04')).toBe('1.17.8');
    expect(versionFromTag({ scheme: 'semver' }, '7.2.0-v10')).toBe('7.2.0');
    expect(versionFromTag({ scheme: 'pep440' }, 'v0.8.5.post1')).toBe('0.8.5.post1');
    expect(versionFromTag({ scheme: 'pep440' }, '0.6.30-cuda')).toBe('0.6.30');
    expect(versionFromTag({ scheme: 'yymm' }, '24.08-vllm-python-py3')).toBe('24.08');
    expect(versionFromTag({ scheme: 'build' }, 'server-cuda-b3500')).toBe('b3500');
  });

  it('finds no version in floating tags', () => {
    for (const tag of ['latest', 'main', 'server-cuda', 'rocm', 'nightly', undefined]) {
      expect(versionFromTag({ scheme: 'semver' }, tag)).toBeUndefined();
      expect(versionFromTag({ scheme: 'build' }, tag)).toBeUndefined();
    }
    expect(versionFromTag({ scheme: 'semver' }, '1.2.3.4')).toBeUndefined();
  });
});

describe('the vulnerable-versions table', () => {
  it('names NVIDIA Container Toolkit CVEs by the release line they were fixed in', () => {
    expect(verdict('nvidia-container-toolkit', '1.16.1')).toMatchObject({
      cves: ['CVE-2024-0132', 'CVE-2024-0133', 'CVE-2025-23359', 'CVE-2025-23266', 'CVE-2025-23267'],
      fixed: '1.17.8',
      severity: 'critical',
    });
    expect(verdict('nvidia-container-toolkit', '1.17.3')).toMatchObject({ cves: ['CVE-2025-23359', 'CVE-2025-23266', 'CVE-2025-23267'], fixed: '1.17.8' });
    expect(verdict('nvidia-container-toolkit', '1.17.7')).toMatchObject({ cves: ['CVE-2025-23266', 'CVE-2025-23267'], fixed: '1.17.8', severity: 'critical' });
    expect(verdict('nvidia-container-toolkit', '1.17.8')).toBeUndefined();
  });

  it('uses the bulletin (not the first CVE record) for the GPU Operator fix of CVE-2025-23266', () => {
    expect(verdict('nvidia-gpu-operator', '25.3.1')?.cves).toEqual(['CVE-2025-23266', 'CVE-2025-23267']);
    expect(verdict('nvidia-gpu-operator', '25.3.2')).toBeUndefined();
    expect(verdict('nvidia-gpu-operator', '24.9.1')?.cves).toContain('CVE-2025-23359');
  });

  it('flags the device plugin only with a CDI device-list strategy', () => {
    expect(verdict('nvidia-device-plugin', '0.17.2')).toBeUndefined();
    expect(verdict('nvidia-device-plugin', '0.17.2', { env: { DEVICE_LIST_STRATEGY: 'envvar' } })).toBeUndefined();
    expect(verdict('nvidia-device-plugin', '0.17.2', { env: { DEVICE_LIST_STRATEGY: 'cdi-annotations' } })?.cves).toEqual(['CVE-2025-23266']);
    expect(verdict('nvidia-device-plugin', '0.17.2', { argv: ['nvidia-device-plugin', '--device-list-strategy=cdi-cri'] })?.fixed).toBe('0.17.3');
    expect(verdict('nvidia-device-plugin', '0.17.3', { env: { DEVICE_LIST_STRATEGY: 'cdi-cri' } })).toBeUndefined();
  });

  it('covers only the affected window of a range with a lower bound', () => {
    expect(verdict('vllm', '0.6.4')).toBeUndefined();
    expect(verdict('vllm', '0.6.5')?.cves).toEqual(['CVE-2025-32444']);
    expect(verdict('vllm', '0.8.5rc1')?.cves).toEqual(['CVE-2025-32444']);
    expect(verdict('vllm', '0.8.5')).toBeUndefined();
  });

  it('picks the fix on the release line in use (Milvus, Redis backports)', () => {
    expect(verdict('milvus', '2.4.23')?.fixed).toBe('2.4.24');
    expect(verdict('milvus', '2.5.3')?.fixed).toBe('2.5.21');
    expect(verdict('milvus', '2.6.5')).toBeUndefined();
    expect(verdict('redis', '7.4.5')?.fixed).toBe('7.4.6');
    expect(verdict('redis', '7.2.4')?.fixed).toBe('7.2.11');
    expect(verdict('redis', '7.2.11')).toBeUndefined();
    expect(verdict('redis', '7.2')).toBeUndefined();
    expect(verdict('redis', '6.0.20')?.fixed).toBe('6.2.20');
  });

  it('sums several advisories of one product: all CVEs, the release that fixes them all', () => {
    const v = verdict('ollama', '0.1.30')!;
    expect(v.cves).toEqual(['CVE-2024-37032', 'CVE-2026-7482']);
    expect(v.fixed).toBe('0.17.1');
    expect(v.cveList).toBe('CVE-2024-37032, CVE-2026-7482');
  });

  it('compares Triton and llama.cpp with their own schemes', () => {
    expect(verdict('triton', '24.08')?.cves).toContain('CVE-2025-23319');
    expect(verdict('triton', '25.07')).toBeUndefined();
    expect(verdict('llama-cpp', 'b3500')?.cves).toEqual(['CVE-2024-42479']);
    expect(verdict('llama-cpp', 'b3561')).toBeUndefined();
  });

  it('says so when no fix is known', () => {
    expect(verdict('chromadb', '1.0.12')).toMatchObject({ fixed: null, cves: ['CVE-2026-45829'] });
    expect(verdict('chromadb', '0.6.3')).toBeUndefined();
  });

  it('describes a release with no CVE id by its summary', () => {
    const v = verdict('torchserve', '0.10.0')!;
    expect(v.cves).toEqual([]);
    expect(v.cveList).toMatch(/token authorization/);
    expect(v.severity).toBe('high');
  });

  it('finds products by image and by package', () => {
    expect(db.productForImage(parseImageRef('nvcr.io/nvidia/k8s/container-toolkit:v1.17.0-ubuntu20.04'))?.id).toBe('nvidia-container-toolkit');
    expect(db.productForImage(parseImageRef('nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.12.1'))?.id).toBe('nvidia-mig-manager');
    expect(db.productForImage(parseImageRef('redis:7.2.4'))?.id).toBe('redis');
    expect(db.productForImage(parseImageRef('myorg/redis-exporter:1.0'))).toBeUndefined();
    expect(db.productForPackage('pypi', 'MLflow')?.id).toBe('mlflow');
    expect(db.productForPackage('npm', 'mlflow')).toBeUndefined();
  });

  it('ignores unknown products and versions', () => {
    expect(verdict('no-such-product', '1.0.0')).toBeUndefined();
    expect(verdict('ollama', 'latest')).toBeUndefined();
  });
});
