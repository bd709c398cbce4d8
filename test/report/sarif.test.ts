// SARIF: valid against the official 2.1.0 schema; every region's line holds the offending key
// (read back from the file); Helm findings point at the chart template; fingerprints survive an
// unrelated document inserted above; suppressions, logical and related locations, clean runs.
// Expected lines below are counted by hand in the fixtures (grep -n).

import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runScan } from '../../src/cli/run-scan.js';
import { evaluateLoaded } from '../../src/engine/scan.js';
import type { ScanResult } from '../../src/engine/scan.js';
import type { Catalogue } from '../../src/engine/rule.js';
import { DEFAULT_LIMITS } from '../../src/loaders/index.js';
import type { Finding, LoadedDocument } from '../../src/model/types.js';
import { FINGERPRINT_KEY, SECURITY_SEVERITY, gitRoot, sarifReport, templatePosition, type SarifOptions } from '../../src/report/sarif.js';
import { packageRoot } from '../../src/rules/paths.js';
import { parsePointer } from '../../src/util/pointer.js';
import { isDockerfileName } from '../../src/loaders/discover.js';
import { sarifSchemaErrors } from '../helpers/sarif.js';
import { testCatalogue } from '../helpers/scan.js';

const root = packageRoot();
const fixtures = path.join(root, 'test', 'report', 'fixtures');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function report(result: ScanResult, catalogue: Catalogue, options: SarifOptions & { cwd?: string } = {}): Json {
  const text = sarifReport({
    result,
    catalogue,
    failOn: 'low',
    failed: false,
    tool: { name: 'aigis', version: '0.1.0', informationUri: 'https://github.com/aigis-dev/aigis' },
    cwd: options.cwd ?? root,
    color: false,
    command: 'aigis scan',
    options: options as Record<string, unknown>,
  });
  return JSON.parse(text) as Json;
}

// In-process scans run from the package root: loaders read input paths against process.cwd().
async function sarifOf(paths: string[], options: SarifOptions & { cwd?: string; only?: string[] } = {}): Promise<Json> {
  const cwd = options.cwd ?? root;
  const { result, catalogue, ruleSettings } = await runScan({ paths, cwd, inline: true, limits: DEFAULT_LIMITS, only: options.only, config: path.join(fixtures, 'empty.aigis.yaml') });
  return report(result, catalogue, { ruleSettings, ...options, cwd });
}

/** The first line of the file's object that holds `line`, and the object. */
function objectAt(text: string, line: number): unknown {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offset = lineStarts[line - 1]!;
  for (const doc of parseAllDocuments(text)) {
    if (!('range' in doc)) continue;
    const [start, , end] = doc.range as [number, number, number];
    if (offset >= start && offset <= end) return doc.toJS();
  }
  return undefined;
}

/** The pointer's deepest prefix that exists in the object: missing fields are reported at their parent. */
function deepestExisting(obj: unknown, pointer: string): { last?: string; parentIsArray: boolean } {
  let cur = obj;
  let last: string | undefined;
  let parentIsArray = false;
  for (const seg of parsePointer(pointer)) {
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object))) break;
    parentIsArray = Array.isArray(cur);
    last = seg;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return { last, parentIsArray };
}

/** Checks that the region of a result starts at its offending key, reading the file. */
function checkRegionHoldsKey(result: Json, sarifRoot: string): void {
  const loc = result.locations[0].physicalLocation;
  expect(loc, `${result.ruleId} has a physical location`).toBeDefined();
  const file = path.join(sarifRoot, decodeURIComponent(loc.artifactLocation.uri));
  const { startLine, startColumn, endLine, endColumn } = loc.region;
  for (const n of [startLine, startColumn, endLine, endColumn]) expect(Number.isInteger(n) && n >= 1, `${result.ruleId}: region ${JSON.stringify(loc.region)}`).toBe(true);
  const pointer = (result.properties?.pointer as string | undefined) ?? '';
  if (/\.(tar|tgz|tar\.gz|oci)$/i.test(file)) {
    // An image: the tarball as a whole, and the path inside it as a logical location.
    expect(loc.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
    expect(result.locations[0].logicalLocations.length).toBeGreaterThan(0);
    return;
  }
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const line = lines[startLine - 1]!;
  const at = line.slice(startColumn - 1);
  if (isDockerfileName(path.basename(file))) {
    // The pointer names the instruction (`/stages/<stage>/RUN:1a2b3c4d/…`): the region is on
    // that instruction, whose first line (before any continuation) starts with its keyword.
    const keyword = parsePointer(pointer).map((s) => /^([A-Z]+):[0-9a-f]{8}/.exec(s)?.[1]).find(Boolean);
    let first = startLine - 1;
    while (first > 0 && /\\\s*$/.test(lines[first - 1]!)) first--;
    const what = `${result.ruleId} ${pointer} at ${loc.artifactLocation.uri}:${startLine}:${startColumn}`;
    expect(at.trim().length, what).toBeGreaterThan(0);
    if (keyword) expect(lines[first]!, what).toMatch(new RegExp(`^\\s*${keyword}\\b`, 'i'));
    return;
  }
  const { last, parentIsArray } = deepestExisting(objectAt(text, startLine), pointer);
  const what = `${result.ruleId} ${pointer} at ${loc.artifactLocation.uri}:${startLine}:${startColumn} (${JSON.stringify(line)})`;
  if (last === undefined) {
    // The object itself.
    expect(at, what).toMatch(/^(apiVersion|kind|metadata)\s*:/);
  } else if (parentIsArray) {
    // A block item starts after "- ", a flow item after "[" or ",".
    expect(line.slice(0, startColumn - 1), what).toMatch(/(^\s*(-\s+)+$)|([[,]\s*$)/);
  } else {
    const escaped = last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(at, what).toMatch(new RegExp(`^(["']?)${escaped}\\1\\s*:`));
  }
}

describe('SARIF of examples/', () => {
  it('is valid SARIF 2.1.0 and every region holds the offending key', async () => {
    const sarifRoot = root;
    const doc = await sarifOf(['examples/'], { sarifRoot });
    expect(sarifSchemaErrors(doc)).toEqual([]);
    const results = doc.runs[0].results as Json[];
    expect(results.length).toBeGreaterThan(0);
    const rules = doc.runs[0].tool.driver.rules as Json[];
    for (const r of results) {
      expect(rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}$/);
      if (rules[r.ruleIndex].properties.tags.includes('input')) continue;
      checkRegionHoldsKey(r, sarifRoot);
    }
  });
});

describe('SARIF of a Dockerfile', () => {
  it('is valid and every region is on its instruction', async () => {
    const doc = await sarifOf(['test/report/fixtures/docker/Dockerfile'], { sarifRoot: root });
    expect(sarifSchemaErrors(doc)).toEqual([]);
    const results = doc.runs[0].results as Json[];
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      if (doc.runs[0].tool.driver.rules[r.ruleIndex].properties.tags.includes('input')) continue;
      checkRegionHoldsKey(r, root);
    }
  });
});

describe('the read-back check', () => {
  it('fails a region one line off', async () => {
    const doc = await sarifOf(['test/report/fixtures/moved/before.yaml'], { sarifRoot: root, only: ['privileged-container'] });
    const r = doc.runs[0].results[0] as Json;
    checkRegionHoldsKey(r, root);
    r.locations[0].physicalLocation.region.startLine -= 1;
    expect(() => checkRegionHoldsKey(r, root)).toThrow();
  });

  it('the schema check rejects line 0', async () => {
    const doc = await sarifOf(['test/report/fixtures/moved/before.yaml'], { only: ['privileged-container'] });
    doc.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(sarifSchemaErrors(doc).join('\n')).toContain('startLine');
  });
});

describe('SARIF run', () => {
  it('describes the tool and every rule that can report', async () => {
    const catalogue = await testCatalogue();
    const doc = await sarifOf(['test/report/fixtures/moved/before.yaml']);
    const driver = doc.runs[0].tool.driver as Json;
    expect(doc.version).toBe('2.1.0');
    expect(driver.name).toBe('aigis');
    expect(driver.semanticVersion).toBe('0.1.0');
    expect(driver.informationUri).toBe('https://github.com/aigis-dev/aigis');
    const enabled = catalogue.rules.filter((r) => r.enabled !== false).map((r) => r.id).sort();
    expect(driver.rules.map((r: Json) => r.id)).toEqual(enabled);
    const pc = driver.rules.find((r: Json) => r.id === 'privileged-container') as Json;
    expect(pc.shortDescription.text).toBe('Container runs privileged');
    expect(pc.defaultConfiguration.level).toBe('error');
    expect(pc.properties['security-severity']).toBe('8.0');
    expect(pc.properties.tags).toContain('security');
    expect(pc.help.markdown).toContain('**Fix.** Remove securityContext.privileged');
    expect(pc.help.text).toContain('https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline');
    expect(pc.helpUri).toBe('https://github.com/aigis-dev/aigis/blob/main/docs/rules.md#privileged-container');
    expect(SECURITY_SEVERITY).toEqual({ critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' });
  });

  it('re-graded and disabled rules follow the config', async () => {
    const { result, catalogue } = await runScan({ paths: ['test/report/fixtures/moved/before.yaml'], cwd: root, inline: true, limits: DEFAULT_LIMITS, config: 'test/report/fixtures/empty.aigis.yaml' });
    const settings = new Map<string, 'off' | 'critical'>([['privileged-container', 'critical'], ['host-network', 'off']]);
    const doc = report(result, catalogue, { ruleSettings: settings });
    const ids = doc.runs[0].tool.driver.rules.map((r: Json) => r.id);
    expect(ids).not.toContain('host-network');
    const pc = doc.runs[0].tool.driver.rules.find((r: Json) => r.id === 'privileged-container');
    expect(pc.properties['security-severity']).toBe('9.5');
  });

  it('uses relative URIs under %SRCROOT% and declares it', async () => {
    const doc = await sarifOf(['test/report/fixtures/moved/before.yaml'], { sarifRoot: 'test/report', only: ['privileged-container'] });
    const run = doc.runs[0] as Json;
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${path.join(root, 'test', 'report')}/`);
    const loc = run.results[0].locations[0].physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: 'fixtures/moved/before.yaml', uriBaseId: '%SRCROOT%' });
    // before.yaml:11 `        privileged: true` — the key starts at column 9, the value ends at 25.
    expect(loc.region).toEqual({ startLine: 11, startColumn: 9, endLine: 11, endColumn: 25 });
  });

  it('defaults the root to the git work tree', async () => {
    const doc = await sarifOf(['test/report/fixtures/moved/before.yaml'], { only: ['privileged-container'] });
    const uri = doc.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    const base = gitRoot(root) ?? root;
    expect(uri).toBe(path.relative(base, path.join(fixtures, 'moved', 'before.yaml')).split(path.sep).join('/'));
  });

  it('gives results: [] when clean', async () => {
    const doc = await sarifOf(['test/report/fixtures/moved/before.yaml'], { only: ['host-network'] });
    expect(doc.runs[0].results).toEqual([]);
    expect(doc.runs[0].tool.driver.rules.map((r: Json) => r.id)).toEqual(['host-network']);
    expect(sarifSchemaErrors(doc)).toEqual([]);
  });
});

describe('fingerprints', () => {
  it('stay the same when an unrelated document is inserted above the object', async () => {
    const a = await sarifOf(['test/report/fixtures/moved/before.yaml']);
    const b = await sarifOf(['test/report/fixtures/moved/after.yaml']);
    const prints = (d: Json) => (d.runs[0].results as Json[]).map((r) => `${r.ruleId} ${r.partialFingerprints[FINGERPRINT_KEY]}`).sort();
    expect(prints(a).length).toBeGreaterThan(0);
    expect(prints(b)).toEqual(prints(a));
    // …while the lines did move (before.yaml:11, after.yaml:20).
    const line = (d: Json) => (d.runs[0].results as Json[]).find((r) => String(r.properties.pointer).endsWith('/securityContext/privileged'))!.locations[0].physicalLocation.region.startLine;
    expect([line(a), line(b)]).toEqual([11, 20]);
  });

  it('differ between containers, rules and fields', async () => {
    const doc = await sarifOf(['examples/']);
    const prints = (doc.runs[0].results as Json[]).map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(prints).size).toBe(prints.length);
  });
});

describe('Helm output', () => {
  it('points at the chart template named by # Source:, with the rendered file as a related location', async () => {
    const doc = await sarifOf(['test/report/fixtures/helm/rendered.yaml'], { sarifRoot: 'test/report/fixtures', chartDirs: ['test/report/fixtures/helm/chart'], only: ['privileged-container'] });
    expect(sarifSchemaErrors(doc)).toEqual([]);
    const r = doc.runs[0].results[0] as Json;
    // chart/templates/deployment.yaml:21 `            privileged: {{ .Values.privileged }}`: key at column 13.
    expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('helm/chart/templates/deployment.yaml');
    expect(r.locations[0].physicalLocation.region).toMatchObject({ startLine: 21, startColumn: 13, endLine: 21 });
    // rendered.yaml:23 `            privileged: true`.
    expect(r.relatedLocations).toHaveLength(1);
    expect(r.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('helm/rendered.yaml');
    expect(r.relatedLocations[0].physicalLocation.region).toMatchObject({ startLine: 23, startColumn: 13 });
    expect(r.relatedLocations[0].id).toBe(1);
  });

  it('stays at the rendered file without --chart-dir, or when the template is not there', async () => {
    for (const chartDirs of [undefined, ['test/report/fixtures/moved']]) {
      const doc = await sarifOf(['test/report/fixtures/helm/rendered.yaml'], { sarifRoot: 'test/report/fixtures', chartDirs, only: ['privileged-container'] });
      const r = doc.runs[0].results[0] as Json;
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('helm/rendered.yaml');
      expect(r.locations[0].physicalLocation.region).toMatchObject({ startLine: 23, startColumn: 13 });
      expect(r.relatedLocations).toBeUndefined();
    }
  });

  it('templatePosition narrows key by key and falls back to the kind line', () => {
    const tpl = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      {{- toYaml .Values.securityContext | nindent 6 }}\n';
    // No `securityContext:` or `privileged:` in the template: the deepest key found is containers (line 4).
    expect(templatePosition(tpl, '/spec/containers/0/securityContext/privileged')).toMatchObject({ line: 4, column: 3 });
    expect(templatePosition(tpl, '')).toMatchObject({ line: 2, column: 1 });
  });
});

describe('suppressions', () => {
  it('keeps suppressed findings with their kind and justification', async () => {
    const doc = await sarifOf(['test/report/fixtures/suppressed.yaml'], { only: ['privileged-container'] });
    expect(sarifSchemaErrors(doc)).toEqual([]);
    const r = doc.runs[0].results[0] as Json;
    expect(r.suppressions).toEqual([{ kind: 'inSource', justification: 'loads the NVIDIA kernel module; reviewed in SEC-42' }]);
    expect(r.locations[0].physicalLocation.region.startLine).toBe(13);
  });
});

describe('locations without a file', () => {
  it('cluster objects get logical locations', async () => {
    const catalogue = await testCatalogue();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ollama', namespace: 'ml' }, spec: { containers: [{ name: 'ollama', image: 'ollama/ollama:0.5.7', securityContext: { privileged: true } }] } };
    const doc: LoadedDocument = { data: pod, source: { kind: 'cluster', path: 'cluster', context: 'prod' }, locate: () => undefined };
    const result = evaluateLoaded(
      { documents: [doc], subjects: [], problems: [], secrets: new Set(), stats: { files: 0, objects: 0, subjects: 0, skipped: 0, failed: 0 }, errors: [] },
      { catalogue, only: new Set(['privileged-container']) },
    );
    const sarif = report(result, catalogue, { only: ['privileged-container'] });
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    const loc = sarif.runs[0].results[0].locations[0] as Json;
    expect(loc.physicalLocation).toBeUndefined();
    expect(loc.logicalLocations).toEqual([
      { name: 'ollama', fullyQualifiedName: 'cluster:prod/ml/Pod/ollama', kind: 'resource' },
      { name: 'privileged', fullyQualifiedName: 'cluster:prod/ml/Pod/ollama/spec/containers/0/securityContext/privileged', kind: 'property' },
    ]);
  });

  it('related locations from a finding become relatedLocations', async () => {
    const catalogue = await testCatalogue();
    const f: Finding = {
      ruleId: 'privileged-container',
      severity: 'high',
      title: 't',
      message: 'model server exposed',
      location: { file: 'test/report/fixtures/moved/before.yaml', pointer: '/spec/containers/0', position: { line: 8, column: 7, endLine: 11, endColumn: 25 } },
      related: [{ file: 'test/report/fixtures/suppressed.yaml', pointer: '/spec', position: { line: 8, column: 1, endLine: 13, endColumn: 25 }, message: 'exposed container' }],
      subjectKey: 'k',
      fingerprint: '0123456789abcdef0123456789abcdef',
    };
    const result: ScanResult = { findings: [f], errors: [], stats: { files: 1, objects: 1, subjects: 1, skipped: 0, failed: 0 }, skippedPaths: [], secrets: new Set() };
    const sarif = report(result, catalogue, { sarifRoot: root });
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results[0].relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'exposed container' },
        physicalLocation: { artifactLocation: { uri: 'test/report/fixtures/suppressed.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 8, startColumn: 1, endLine: 13, endColumn: 25 } },
      },
    ]);
  });
});
