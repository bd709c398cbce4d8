// In-process loops over the shared engine (src/engine/scan.ts evaluateLoaded), for
// bench/engine.mjs (bundled by it with esbuild, like the CLI, so that the precompiled catalogue
// in dist/ is used). No HTTP, TLS or process start: only the per-object cost the webhook, the
// cluster audit and every scan pay.
//
//   node bench/out/engine-loop.mjs reviews N     N admission reviews (the bench/webhook.mjs mix)
//   node bench/out/engine-loop.mjs scan DIR N    load DIR once, then evaluate it N times
//
// Prints one JSON line: { what, count, cpuMs, wallMs, perItemUs, findings }.

import { discover } from '../../src/loaders/discover.js';
import { evaluateLoaded, loadInputs } from '../../src/engine/scan.js';
import { loadCatalogue } from '../../src/rules/catalogue.js';
import { Reviewer, type AdmissionRequest } from '../../src/webhook/review.js';
// @ts-expect-error: a JavaScript module of the benchmarks, without types.
import { MIX as REVIEW_MIX } from './review-mix.mjs';

// The mix of bench/webhook.mjs (the DELETE is answered before evaluation, as there).
const MIX: AdmissionRequest[] = (REVIEW_MIX as Array<{ body: { request: AdmissionRequest } }>).map((m) => m.body.request);

const [what, a, b] = process.argv.slice(2);
const catalogue = await loadCatalogue();
const measure = (count: number, body: () => number) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const findings = body();
  const used = process.cpuUsage(c0);
  const cpuMs = (used.user + used.system) / 1000;
  return { what, count, cpuMs: Math.round(cpuMs), wallMs: Math.round(performance.now() - t0), perItemUs: Math.round((cpuMs * 1000) / count), findings };
};

if (what === 'reviews') {
  const n = Number(a ?? 20000);
  const reviewer = new Reviewer({ catalogue, mode: 'enforce', failOn: 'high', warnOn: 'low', allowInlineSuppressions: false, denyExisting: false, clusterName: 'admission' });
  // Warm-up, as the webhook bench does.
  for (let i = 0; i < 2000; i++) reviewer.review(MIX[i % MIX.length]!);
  console.log(JSON.stringify(measure(n, () => {
    let findings = 0;
    for (let i = 0; i < n; i++) findings += reviewer.review(MIX[i % MIX.length]!).findings.length;
    return findings;
  })));
} else if (what === 'scan') {
  const dir = a!;
  const n = Number(b ?? 10);
  const found = discover([dir], { cwd: process.cwd() });
  const loaded = await loadInputs(found.inputs, { catalogue });
  const { stats } = evaluateLoaded(loaded, { catalogue });
  console.log(JSON.stringify({ ...measure(n, () => {
    let findings = 0;
    for (let i = 0; i < n; i++) findings += evaluateLoaded(loaded, { catalogue }).findings.length;
    return findings;
  }), objects: loaded.documents.length, subjects: stats.subjects }));
} else {
  throw new Error('usage: engine-loop.mjs reviews N | scan DIR N');
}
