import fs from 'node:fs';
import { discover } from '../../src/loaders/discover.js';
import { loadManifestBytes } from '../../src/loaders/manifests/index.js';
import { loadCatalogue } from '../../src/rules/catalogue.js';
import { evaluateLoaded, compareFindings } from '../../src/engine/scan.js';
import { jsonReport } from '../../src/report/json.js';
import { maskSecrets } from '../../src/cli/output.js';
const catalogue = await loadCatalogue();
const found = discover([process.argv[2]!], { cwd: process.cwd() });
const documents: any[] = [];
for (const input of found.inputs) for (const d of loadManifestBytes(fs.readFileSync(input.path), { kind: 'file', path: input.path }).documents) documents.push(d);
const result = evaluateLoaded({ documents, subjects: [], problems: [], secrets: new Set(), stats: { files: 0, objects: 0, subjects: 0, skipped: 0, failed: 0 }, errors: [] }, { catalogue });
result.findings.sort(compareFindings);
const ctx: any = { result, catalogue, failOn: 'low', failed: true, tool: { name: 'aigis', version: '0' }, cwd: process.cwd(), color: false, command: 'x', options: {} };
if (process.argv[3]) for (const f of result.findings) f.message = f.message.replace('…', '...');
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  const text = jsonReport(ctx);
  const a = performance.now() - t; t = performance.now();
  const masked = maskSecrets(text, result.secrets);
  const b = performance.now() - t; t = performance.now();
  fs.writeFileSync('/dev/null', masked);
  const c = performance.now() - t; t = performance.now();
  const flat = text.slice(0, -1);  // a flat copy? (slice of cons flattens)
  const d = performance.now() - t; t = performance.now();
  const masked2 = maskSecrets(flat, result.secrets);
  const e = performance.now() - t; t = performance.now();
  fs.writeFileSync('/dev/null', masked2);
  const f = performance.now() - t;
  console.log(`report ${a.toFixed(0)} mask ${b.toFixed(0)} write ${c.toFixed(0)} | slice ${d.toFixed(0)} mask-flat ${e.toFixed(0)} write-flat ${f.toFixed(0)}; secrets ${result.secrets.size} len ${text.length}`);
}
