// Suppressions: annotations on the object and on the pod template, container-scoped ones, expiry,
// the no-inline switch, config `ignore:` entries, baselines and renamed rules. Lines and columns
// below are counted by hand in the YAML written here.

import { describe, expect, it } from 'vitest';
import { compareFindings, evaluateLoaded, scan } from '../../../src/engine/scan.js';
import { fingerprint } from '../../../src/engine/fingerprint.js';
import { parseSuppressionValue, objectMatcher, type ConfigIgnore, type SuppressOptions } from '../../../src/engine/suppress.js';
import type { Catalogue, Rule } from '../../../src/engine/rule.js';
import { loadManifestText } from '../../../src/loaders/manifests/index.js';
import type { Finding, InlineSuppression, Subject } from '../../../src/model/types.js';
import { testCatalogue } from '../../helpers/scan.js';

async function run(text: string, suppress: SuppressOptions = {}, only?: string[], catalogue?: Catalogue, extraSubjects: Subject[] = []) {
  const loaded = loadManifestText(text, { kind: 'file', path: 'app.yaml' });
  return evaluateLoaded(
    {
      documents: loaded.documents,
      subjects: extraSubjects,
      problems: loaded.problems,
      secrets: new Set(),
      stats: { files: 1, objects: 0, subjects: 0, skipped: 0, failed: 0 },
      errors: [],
    },
    { catalogue: catalogue ?? (await testCatalogue()), only: only ? new Set(only) : undefined, suppress: { today: '2026-06-01', cwd: '/work', ...suppress } },
  );
}

const at = (f: Finding) => `${f.ruleId}@${f.location.position?.line}:${f.location.position?.column}`;
const active = (fs: Finding[]) => fs.filter((f) => !f.suppression).sort(compareFindings).map(at);
const suppressed = (fs: Finding[]) => fs.filter((f) => f.suppression).sort(compareFindings).map((f) => `${at(f)} ${f.suppression!.kind}: ${f.suppression!.justification}`);

// Two privileged containers; annotations are added by each test.
function deployment(objectAnnotations: string[], templateAnnotations: string[]): string {
  const obj = objectAnnotations.length ? `  annotations:\n${objectAnnotations.map((a) => `    ${a}\n`).join('')}` : '';
  const tpl = templateAnnotations.length ? `      annotations:\n${templateAnnotations.map((a) => `        ${a}\n`).join('')}` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
  namespace: ml
${obj}spec:
  selector:
    matchLabels: { app: vllm }
  template:
    metadata:
      labels: { app: vllm }
${tpl}    spec:
      containers:
        - name: server
          image: vllm/vllm-openai:v0.6.3
          securityContext:
            privileged: true
        - name: sidecar
          image: envoyproxy/envoy:v1.31.2
          securityContext:
            privileged: true
`;
}

describe('annotation suppressions', () => {
  it('reports both privileged containers when nothing is suppressed', async () => {
    // Lines: 17 and 21 hold `privileged: true` (no annotation blocks), column 13.
    const r = await run(deployment([], []), {}, ['privileged-container']);
    expect(active(r.findings)).toEqual(['privileged-container@17:13', 'privileged-container@21:13']);
  });

  it('an object annotation suppresses every container, in source, with its reason', async () => {
    // Two annotation lines push the containers down to 19 and 23.
    const r = await run(deployment(['ignore.aigis.dev/privileged-container: "GPU driver installer, reviewed in SEC-12"'], []), {}, ['privileged-container']);
    expect(active(r.findings)).toEqual([]);
    expect(suppressed(r.findings)).toEqual([
      'privileged-container@19:13 inSource: GPU driver installer, reviewed in SEC-12',
      'privileged-container@23:13 inSource: GPU driver installer, reviewed in SEC-12',
    ]);
    expect(r.findings.every((f) => f.suppression?.source === 'inline')).toBe(true);
  });

  it('a pod-template annotation suppresses too', async () => {
    const r = await run(deployment([], ['ignore.aigis.dev/privileged-container: "needs /dev/nvidia*"']), {}, ['privileged-container']);
    expect(active(r.findings)).toEqual([]);
    expect(r.findings).toHaveLength(2);
  });

  it('a container-scoped annotation suppresses only that container', async () => {
    const r = await run(deployment([], ['ignore.aigis.dev/privileged-container.sidecar: "mesh init needs NET_ADMIN"']), {}, ['privileged-container']);
    // Template annotations take 2 lines: containers at 19 (server) and 23 (sidecar).
    expect(active(r.findings)).toEqual(['privileged-container@19:13']);
    expect(suppressed(r.findings)).toEqual(['privileged-container@23:13 inSource: mesh init needs NET_ADMIN']);
  });

  it('a suppression for another rule leaves the finding', async () => {
    const r = await run(deployment(['ignore.aigis.dev/host-network: "not this one"'], []), {}, ['privileged-container']);
    expect(active(r.findings)).toHaveLength(2);
  });

  it('an expired suppression lapses, and a low finding says so at the annotation', async () => {
    const text = deployment(['ignore.aigis.dev/privileged-container: "until 2026-05-31: driver fix lands in May"'], []);
    const r = await run(text, {}, ['privileged-container', 'suppression-expired']);
    // Annotation key: line 7, column 5. Containers at 19 and 23.
    expect(active(r.findings)).toEqual(['suppression-expired@7:5', 'privileged-container@19:13', 'privileged-container@23:13']);
    const expired = r.findings.find((f) => f.ruleId === 'suppression-expired')!;
    expect(expired.severity).toBe('low');
    expect(expired.message).toBe('suppression of privileged-container expired on 2026-05-31; it no longer applies');
  });

  it('a suppression holds through its last day', async () => {
    const r = await run(deployment(['ignore.aigis.dev/privileged-container: "until 2026-06-01: last day today"'], []), {}, ['privileged-container', 'suppression-expired']);
    expect(active(r.findings)).toEqual([]);
    expect(suppressed(r.findings)[0]).toContain('inSource: last day today');
  });

  it('an empty reason still suppresses, and is itself a low finding', async () => {
    const r = await run(deployment([], ['ignore.aigis.dev/privileged-container: ""']), {}, ['privileged-container', 'suppression-without-reason']);
    // Template annotation key: line 13, column 9.
    expect(active(r.findings)).toEqual(['suppression-without-reason@13:9']);
    expect(r.findings.find((f) => f.ruleId === 'suppression-without-reason')!.severity).toBe('low');
    expect(suppressed(r.findings)).toHaveLength(2);
  });

  it('--no-inline-suppressions ignores annotations, and says nothing about them', async () => {
    const text = deployment(['ignore.aigis.dev/privileged-container: ""'], ['ignore.aigis.dev/privileged-container.server: "until 2020-01-01: old"']);
    const r = await run(text, { inline: false }, ['privileged-container', 'suppression-without-reason', 'suppression-expired']);
    expect(active(r.findings).map((s) => s.split('@')[0])).toEqual(['privileged-container', 'privileged-container']);
  });

  it('a Pod is its own template: one annotation, one suppression, no duplicate problem', async () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    ignore.aigis.dev/privileged-container: ""
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;
    const r = await run(text, {}, ['privileged-container', 'suppression-without-reason']);
    expect(active(r.findings)).toEqual(['suppression-without-reason@6:5']);
    expect(suppressed(r.findings)).toEqual(['privileged-container@12:9 inSource: (no reason given)']);
  });
});

describe('fingerprints of suppression problems', () => {
  it('stay the same when an unrelated document is inserted above', async () => {
    const text = deployment(['ignore.aigis.dev/privileged-container: ""'], []);
    const moved = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\n${text}`;
    const only = ['suppression-without-reason'];
    const [a, b] = [await run(text, {}, only), await run(moved, {}, only)];
    expect(a.findings.map(at)).toEqual(['suppression-without-reason@7:5']);
    expect(b.findings.map(at)).toEqual(['suppression-without-reason@12:5']);
    expect(b.findings[0]!.fingerprint).toBe(a.findings[0]!.fingerprint);
  });
});

describe('parseSuppressionValue', () => {
  it('reads a reason, an expiry, and rejects a bad date', () => {
    expect(parseSuppressionValue('  reviewed  ')).toEqual({ reason: 'reviewed' });
    expect(parseSuppressionValue('until 2027-03-01: driver')).toEqual({ reason: 'driver', until: '2027-03-01' });
    expect(parseSuppressionValue('until 2027-02-30: x')).toEqual({ error: '"until" needs a date written YYYY-MM-DD (got "2027-02-30")' });
    expect(parseSuppressionValue('until tomorrow')).toHaveProperty('error');
    // "until" only counts as a keyword at the start.
    expect(parseSuppressionValue('valid until the migration')).toEqual({ reason: 'valid until the migration' });
  });
});

describe('comment suppressions (Subject.suppressions from the Dockerfile loader)', () => {
  const stage = (suppressions: InlineSuppression[]): Subject => ({
    target: 'stage',
    data: { user: 'root' },
    key: 'Dockerfile#stage:0',
    locate: (p: string) => ({ file: 'Dockerfile', pointer: `/stages/0${p}`, position: { line: 5, column: 1, endLine: 5, endColumn: 10 } }),
    suppressions,
  });
  // A stand-in rule over the stage subject, so that this test does not depend on the Dockerfile rules.
  async function withStageRule(): Promise<Catalogue> {
    const base = await testCatalogue();
    const rule = { id: 'test-stage-root', title: 'Stage runs as root', severity: 'high', target: 'stage', expect: false, message: 'root', remediation: 'x.', area: 'test', file: 'x', builtin: false, expectFn: Object.assign(() => false, { errors: [{ instancePath: '/user', schemaPath: '#/false', keyword: 'false', params: {} }] }) } as unknown as Rule;
    return { ...base, rules: [...base.rules, rule], byId: new Map([...base.byId, [rule.id, rule]]) };
  }

  it('applies a comment and reports one without a reason under the shared rule id', async () => {
    const catalogue = await withStageRule();
    const loc = { file: 'Dockerfile', pointer: '', position: { line: 4, column: 1, endLine: 4, endColumn: 30 } };
    const r = await run('', {}, ['test-stage-root', 'suppression-without-reason'], catalogue, [stage([{ ruleId: 'test-stage-root', reason: '', location: loc }])]);
    expect(active(r.findings)).toEqual(['suppression-without-reason@4:1']);
    expect(suppressed(r.findings)).toEqual(['test-stage-root@5:1 inSource: (no reason given)']);
  });

  it('--no-inline-suppressions ignores comments', async () => {
    const catalogue = await withStageRule();
    const r = await run('', { inline: false }, ['test-stage-root'], catalogue, [stage([{ ruleId: 'test-stage-root', reason: 'builder only' }])]);
    expect(active(r.findings)).toEqual(['test-stage-root@5:1']);
  });
});

describe('comment suppressions in a real Dockerfile', () => {
  // test/report/fixtures/docker/suppressed.Dockerfile: `USER root` on line 4 under a comment with
  // a reason (line 3), `EXPOSE 22` on line 6 under one without (line 5).
  const file = 'test/report/fixtures/docker/suppressed.Dockerfile';
  const only = new Set(['dockerfile-root-user', 'dockerfile-ssh-exposed', 'suppression-without-reason']);

  it('applies both, and reports the one without a reason', async () => {
    const r = await scan([file], { catalogue: await testCatalogue(), only });
    expect(active(r.findings)).toEqual(['suppression-without-reason@5:1']);
    expect(suppressed(r.findings)).toEqual(['dockerfile-root-user@4:1 inSource: the entrypoint drops to uid 1000 with gosu', 'dockerfile-ssh-exposed@6:8 inSource: (no reason given)']);
  });

  it('--no-inline-suppressions ignores them', async () => {
    const r = await scan([file], { catalogue: await testCatalogue(), only, suppress: { inline: false } });
    expect(active(r.findings)).toEqual(['dockerfile-root-user@4:1', 'dockerfile-ssh-exposed@6:8']);
  });
});

describe('config ignores', () => {
  const ignore = (over: Partial<ConfigIgnore>): ConfigIgnore => ({
    rule: 'privileged-container',
    reason: 'GPU operator validator',
    baseDir: '/work',
    location: { file: '.aigis.yaml', pointer: '/ignore/0', position: { line: 3, column: 5, endLine: 3, endColumn: 10 } },
    ...over,
  });

  it('suppress by path, externally, with the reason', async () => {
    const r = await run(deployment([], []), { ignores: [ignore({ paths: ['app.yaml'] })] }, ['privileged-container']);
    expect(suppressed(r.findings)).toEqual([
      'privileged-container@17:13 external: GPU operator validator',
      'privileged-container@21:13 external: GPU operator validator',
    ]);
    expect(r.findings.every((f) => f.suppression?.source === 'config')).toBe(true);
  });

  it('a path glob that does not match leaves the findings', async () => {
    const r = await run(deployment([], []), { ignores: [ignore({ paths: ['vendor/**'] })] }, ['privileged-container']);
    expect(active(r.findings)).toHaveLength(2);
  });

  it('suppress by object pattern', async () => {
    for (const objects of [['Deployment/ml/vllm'], ['deployment/ml/*'], ['Deployment/vllm'], ['vllm']]) {
      const r = await run(deployment([], []), { ignores: [ignore({ objects })] }, ['privileged-container']);
      expect(active(r.findings), objects[0]).toEqual([]);
    }
    const r = await run(deployment([], []), { ignores: [ignore({ objects: ['Deployment/other/vllm'] })] }, ['privileged-container']);
    expect(active(r.findings)).toHaveLength(2);
  });

  it('an expired entry lapses and is reported at the config file', async () => {
    const r = await run(deployment([], []), { ignores: [ignore({ paths: ['app.yaml'], until: '2026-01-31' })] }, ['privileged-container', 'suppression-expired']);
    // Sorted by file: .aigis.yaml comes before app.yaml.
    expect(active(r.findings)).toEqual(['suppression-expired@3:5', 'privileged-container@17:13', 'privileged-container@21:13']);
    expect(r.findings.find((f) => f.ruleId === 'suppression-expired')!.location.file).toBe('.aigis.yaml');
  });

  it('config ignores still apply with --no-inline-suppressions', async () => {
    const r = await run(deployment([], []), { inline: false, ignores: [ignore({})] }, ['privileged-container']);
    expect(active(r.findings)).toEqual([]);
  });

  it('objectMatcher reads Kind/namespace/name, Kind/name and name', () => {
    const m = objectMatcher(['StatefulSet/vectors/qdrant-*']);
    expect(m({ kind: 'StatefulSet', namespace: 'vectors', name: 'qdrant-0' })).toBe(true);
    expect(m({ kind: 'StatefulSet', namespace: 'other', name: 'qdrant-0' })).toBe(false);
    expect(objectMatcher(['Deployment/default/web'])({ kind: 'Deployment', name: 'web' })).toBe(true);
    expect(objectMatcher(['web'])(undefined)).toBe(false);
  });
});

describe('baseline', () => {
  it('suppresses exactly the findings whose fingerprint it holds', async () => {
    const first = await run(deployment([], []), {}, ['privileged-container']);
    const server = first.findings.find((f) => f.container === 'server')!;
    const r = await run(deployment([], []), { baseline: { file: 'base.json', fingerprints: new Set([server.fingerprint]) } }, ['privileged-container']);
    expect(active(r.findings)).toEqual(['privileged-container@21:13']);
    expect(suppressed(r.findings)).toEqual(['privileged-container@17:13 external: in baseline base.json']);
    expect(r.findings.find((f) => f.suppression)!.suppression!.source).toBe('baseline');
  });

  it('still matches after an unrelated document is inserted above', async () => {
    const first = await run(deployment([], []), {}, ['privileged-container']);
    const moved = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n---\n${deployment([], [])}`;
    const r = await run(moved, { baseline: { file: 'b.json', fingerprints: new Set(first.findings.map((f) => f.fingerprint)) } }, ['privileged-container']);
    expect(r.findings.sort(compareFindings).map(at)).toEqual(['privileged-container@24:13', 'privileged-container@28:13']);
    expect(active(r.findings)).toEqual([]);
  });
});

describe('renamed rules (replaces)', () => {
  async function renamed(): Promise<Catalogue> {
    const base = await testCatalogue();
    const rules = base.rules.map((r) => (r.id === 'privileged-container' ? { ...r, replaces: ['privileged'] } : r));
    return { ...base, rules, byId: new Map(rules.map((r) => [r.id, r])) };
  }

  it('an annotation naming the old id still applies, and is not reported as unknown', async () => {
    const r = await run(deployment(['ignore.aigis.dev/privileged: "old name"'], []), {}, ['privileged-container', 'suppression-invalid'], await renamed());
    expect(active(r.findings)).toEqual([]);
    expect(r.findings).toHaveLength(2);
  });

  it('a baseline written under the old id still matches', async () => {
    const catalogue = await renamed();
    const first = await run(deployment([], []), {}, ['privileged-container'], catalogue);
    const old = new Set(first.findings.map((f) => fingerprint('privileged', f.subjectKey, f.location.pointer)));
    const r = await run(deployment([], []), { baseline: { file: 'b.json', fingerprints: old } }, ['privileged-container'], catalogue);
    expect(active(r.findings)).toEqual([]);
  });

  it('an unknown rule id in an annotation is reported', async () => {
    const r = await run(deployment(['ignore.aigis.dev/privileged: "old name"'], []), {}, ['privileged-container', 'suppression-invalid']);
    expect(active(r.findings)).toEqual(['suppression-invalid@7:5', 'privileged-container@19:13', 'privileged-container@23:13']);
  });
});
