// A scan split into parts (src/engine/partition.ts, run on threads by parallel-scan.ts) must give
// exactly the findings of the whole. Here the parts run one after another in this thread, over
// every manifest fixture of the repository, a generated corpus and objects related across
// namespaces; test/cli/jobs.test.ts runs the real threads.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript module of the benchmarks, without types.
import { generateCorpus } from '../../../bench/lib/generate-manifests.mjs';
import { evaluatePart, mergeParts } from '../../../src/engine/parallel-scan.js';
import { assignNamespaces, partOf, placeOf, everywhereKinds } from '../../../src/engine/partition.js';
import { compareFindings, evaluateLoaded, loadInputs, type Loaded } from '../../../src/engine/scan.js';
import { discover } from '../../../src/loaders/discover.js';
import type { Catalogue } from '../../../src/engine/rule.js';
import { testCatalogue } from '../../helpers/scan.js';

const root = path.resolve(__dirname, '../../..');

async function load(paths: string[], catalogue: Catalogue, cwd = root): Promise<Loaded> {
  const found = discover(paths, { cwd });
  return loadInputs(found.inputs, { catalogue });
}

/** Findings as the report shows them, in report order. */
function shown(findings: Parameters<typeof compareFindings>[0][]): string[] {
  return [...findings].sort(compareFindings).map((f) => JSON.stringify(f));
}

function expectSameInParts(loaded: Loaded, catalogue: Catalogue, counts = [2, 3, 5]): void {
  const whole = evaluateLoaded(loaded, { catalogue });
  for (const n of counts) {
    const parts = Array.from({ length: n }, (_, i) => evaluatePart(loaded, { catalogue }, i, n));
    const merged = mergeParts(parts[0]!.result, parts);
    expect(shown(merged.findings), `${n} parts`).toEqual(shown(whole.findings));
    expect(merged.stats.objects).toBe(whole.stats.objects);
    expect([...merged.secrets].sort()).toEqual([...whole.secrets].sort());
  }
}

function manifestFixtures(): string[] {
  const out: string[] = [];
  const rulesDir = path.join(root, 'test/rules');
  for (const id of fs.readdirSync(rulesDir)) {
    for (const side of ['fail', 'pass']) {
      const dir = path.join(rulesDir, id, side);
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir)) if (/\.(ya?ml|json)$/.test(f) && !f.endsWith('.expected.yaml')) out.push(path.join(dir, f));
    }
  }
  return out;
}

describe('a scan split into parts', () => {
  it('gives the findings of the whole over every manifest fixture and example at once', async () => {
    const catalogue = await testCatalogue();
    const files = [...manifestFixtures(), path.join(root, 'examples')];
    expect(files.length).toBeGreaterThan(300);
    const loaded = await load(files, catalogue);
    expectSameInParts(loaded, catalogue);
  }, 120_000);

  it('gives the findings of the whole over a generated corpus of 3,000 objects in many namespaces', async () => {
    const catalogue = await testCatalogue();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-partition-'));
    try {
      generateCorpus(dir, 3000, 7);
      const loaded = await load([dir], catalogue, dir);
      // The parts really are different: each holds a fair share of the objects.
      const shares = [0, 1].map((i) => partOf(loaded.documents, i, 2, catalogue.tables).owned);
      expect(Math.min(...shares)).toBeGreaterThan(loaded.documents.length / 4);
      expectSameInParts(loaded, catalogue);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('keeps objects related across namespaces together, or gives them to every part', async () => {
    const catalogue = await testCatalogue();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-partition-'));
    const ollama = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ollama, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: ollama } }
  template:
    metadata: { labels: { app: ollama } }
    spec:
      containers:
        - name: ollama
          image: ollama/ollama:0.6.2
          ports: [{ containerPort: 11434 }]
---
apiVersion: v1
kind: Service
metadata: { name: ollama, namespace: ${ns} }
spec:
  selector: { app: ollama }
  ports: [{ port: 11434 }]
`;
    // Twelve namespaces with a model server each, so that parts split them.
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`ns-${i}.yaml`] = ollama(`team-${i}`);
    // A route in team-0 sends to the Service of team-1 through a Gateway in infra.
    files['route.yaml'] = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: infra }
spec:
  gatewayClassName: external
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: models, namespace: team-0 }
spec:
  parentRefs: [{ name: public, namespace: infra }]
  rules:
    - backendRefs: [{ name: ollama, namespace: team-1, port: 11434 }]
`;
    // A mesh-wide Istio policy and a RoleBinding naming a ServiceAccount of another namespace.
    files['mesh.yaml'] = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: require-jwt, namespace: istio-system }
spec:
  action: ALLOW
  rules: [{ from: [{ source: { requestPrincipals: ["*"] } }] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: read, namespace: team-2 }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }
subjects: [{ kind: ServiceAccount, name: default, namespace: team-3 }]
`;
    try {
      for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
      const loaded = await load([dir], catalogue, dir);
      const everywhere = everywhereKinds(catalogue.tables);
      const places = loaded.documents.map((d) => placeOf(d, everywhere));
      const owner = assignNamespaces(places, 3);
      expect(owner.get('team-0')).toBe(owner.get('team-1'));
      expect(owner.get('team-0')).toBe(owner.get('infra'));
      expect(owner.get('team-2')).toBe(owner.get('team-3'));
      expect(new Set(owner.values()).size).toBe(3);
      const kinds = (i: number) => new Set(partOf(loaded.documents, i, 3, catalogue.tables).documents.map((d) => (d.data as { kind: string }).kind));
      for (const i of [0, 1, 2]) expect(kinds(i).has('AuthorizationPolicy')).toBe(true);
      expectSameInParts(loaded, catalogue, [2, 3, 4, 7]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
