// In-process split of one `aigis scan DIR -f json -o FILE`, phase by phase, for
// bench/manifests.mjs (bundled by it with esbuild, like the CLI, so that the precompiled
// catalogue in dist/ is used). The phases mirror src/engine/scan.ts (loadInputs, evaluateLoaded)
// and src/cli/commands/scan.ts; only the clock calls are added between them.
// Usage: node bench/out/pipeline.mjs DIR OUTPUT [--library]
// With --library, also times parsing every file with the `yaml` library path (the parser used
// before the fast path), as the phase `parse-library`.

import fs from 'node:fs';
import { processIO } from '../../src/cli/io.js';
import { reportTargets, writeReports } from '../../src/cli/output.js';
import { compareFindings, evaluateLoaded, type Loaded } from '../../src/engine/scan.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { problemSubject } from '../../src/engine/problems.js';
import { discover } from '../../src/loaders/discover.js';
import { loadManifestBytes } from '../../src/loaders/manifests/index.js';
import { parseYamlStreamWithLibrary } from '../../src/loaders/manifests/yaml.js';
import { buildModel } from '../../src/model/build.js';
import { loadCatalogue } from '../../src/rules/catalogue.js';

void evaluateLoaded; // the phases below are its body, timed separately
import inspector from 'node:inspector/promises';
const session = new inspector.Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
const [dir, output, flag] = process.argv.slice(2);
if (!dir || !output) throw new Error('usage: pipeline.mjs DIR OUTPUT');
// Wall and CPU milliseconds per phase (CPU time is the steadier figure on a busy machine).
const times: Record<string, number> = {};
const cpu: Record<string, number> = {};
const rss: Record<string, number> = {}; // MB at the end of each phase
let t = performance.now();
let c = process.cpuUsage();
const lap = (_: string): void => {};
const catalogue = await loadCatalogue();
lap('catalogue');
const found = discover([dir], { cwd: process.cwd() });
const bytes = found.inputs.map((i) => fs.readFileSync(i.path));
lap('read');
const loaded: Loaded = {
  documents: [],
  subjects: [],
  problems: [],
  secrets: new Set(),
  stats: { files: 0, objects: 0, subjects: 0, skipped: 0, failed: 0 },
  errors: [],
};
found.inputs.forEach((input, i) => {
  const r = loadManifestBytes(bytes[i]!, { kind: 'file', path: input.path });
  loaded.stats.files++;
  for (const d of r.documents) loaded.documents.push(d);
  for (const p of r.problems) loaded.problems.push(p);
  loaded.stats.skipped += r.skipped;
});
lap('parse');
if (flag === '--library') {
  for (const b of bytes) parseYamlStreamWithLibrary(b.toString('utf8'));
  lap('parse-library');
}
const model = buildModel(loaded.documents, catalogue.tables);
lap('model');
const secrets = new Set([...loaded.secrets, ...model.graph.secrets]);
const subjects = [...model.subjects, ...loaded.subjects, ...loaded.problems.map(problemSubject)];
const findings = evaluate(subjects, catalogue, { secrets });
findings.sort(compareFindings);
lap('evaluate');
const result = {
  findings,
  errors: loaded.errors,
  stats: { ...loaded.stats, objects: loaded.documents.length, subjects: subjects.length },
  skippedPaths: found.skipped,
  secrets,
};
await writeReports({ result, catalogue, failOn: 'low', targets: reportTargets([{ kind: 'option', name: 'format', value: 'json' }, { kind: 'option', name: 'output', value: output }]), io: processIO(), command: `aigis scan ${dir}` });
lap('report');
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
fs.writeFileSync('/tmp/alloc.heapprofile', JSON.stringify(profile));
