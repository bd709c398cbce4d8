// podsSelectedBy looks pods up by namespace and label: it must select exactly the pods a
// Service-style selector selects (every label equal, an empty or missing selector selects
// nothing), in model order, whatever the labels and selectors are.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildModel, podsSelectedBy, selects } from '../../../src/model/build.js';
import type { LoadedDocument } from '../../../src/model/types.js';
import { testCatalogue } from '../../helpers/scan.js';

const label = fc.constantFrom('app', 'tier', 'constructor', 'toString', '__proto__');
const value = fc.constantFrom('a', 'b', '1');
const labels = fc.dictionary(label, value, { maxKeys: 3 });
const pod = fc.record({ namespace: fc.constantFrom('ns1', 'ns2', undefined), labels });
const selector = fc.oneof(fc.dictionary(label, fc.oneof(value, fc.constant(1), fc.constant(true)), { maxKeys: 3 }), fc.constantFrom(null, 'app', [], {}));

function document(p: { namespace?: string; labels: Record<string, string> }, i: number): LoadedDocument {
  const metadata: Record<string, unknown> = { name: `p${i}`, labels: p.labels };
  if (p.namespace) metadata.namespace = p.namespace;
  return { data: { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'c', image: 'x' }] } }, source: { kind: 'file', path: 't.yaml' }, locate: () => undefined };
}

describe('podsSelectedBy', () => {
  it('selects what `selects` says, pod by pod, in model order', async () => {
    const { tables } = await testCatalogue();
    await fc.assert(
      fc.asyncProperty(fc.array(pod, { maxLength: 12 }), fc.array(selector, { minLength: 1, maxLength: 4 }), async (pods, selectors) => {
        const { graph } = buildModel(pods.map(document), tables);
        for (const sel of selectors) {
          for (const ns of ['ns1', 'ns2', 'default']) {
            const at = (list: typeof graph.pods) => list.map((p) => graph.pods.indexOf(p));
            const want = at(graph.pods.filter((p) => p.namespace === ns && selects(sel, p.labels)));
            expect(at(podsSelectedBy(graph, ns, sel))).toEqual(want);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
