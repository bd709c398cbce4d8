#!/usr/bin/env node
// bench/manifests: aigis scan of a generated manifest corpus beside a bare js-yaml parse of
// the same files, in the same run, on the same machine (issue #8, target 2).
//
//   node bench/manifests.mjs [--objects N] [--runs R] [--seed S] [--no-split] [--jobs J]
//
// 1. generates N objects (default 20,000, ~16 MB) under bench/out/manifests-N;
// 2. R times (default 5), in alternating order: js-yaml loadAll over every file (the
//    yardstick, its own process) and `node bin/aigis.js scan DIR -f json -o /dev/null`, each
//    timed from spawn to exit, peak RSS from /usr/bin/time (or the child's own maxRSS);
// 3. the same scan in process, phase by phase (read, parse, model, evaluate, report);
// and prints medians, objects/second, the ratio and peak RSS as its last lines. `--jobs J` passes
// `--jobs J` to the timed scans (threads, docs/architecture.md).
// Needs a built CLI (npm run build).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleLikeCli } from './lib/bundle.mjs';
import { generateCorpus } from './lib/generate-manifests.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '20000' },
    'no-split': { type: 'boolean', default: false },
    jobs: { type: 'string', default: '1' },
  },
});
const objects = Number(values.objects);
const runs = Number(values.runs);
const out = path.join(root, 'bench', 'out');
const corpus = path.join(out, `manifests-${objects}`);
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!fs.existsSync(path.join(root, 'dist', 'aigis.js')) || !fs.existsSync(path.join(root, 'dist', 'catalogue.js'))) {
  console.error('bench/manifests: build the CLI first (npm run build)');
  process.exit(2);
}

/** Run `node args…` to completion: wall ms, peak RSS in bytes, CPU ms (user + system), stdout. */
function run(args) {
  const rssFile = path.join(os.tmpdir(), `aigis-bench-rss-${process.pid}`);
  const [cmd, argv] = TIME ? [TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...args]] : [process.execPath, ['--import', path.join(root, 'bench/lib/max-rss.mjs'), ...args]];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AIGIS_BENCH_RSS: rssFile } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - start;
      if (code !== 0 && code !== 1) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      const [kib, user, sys] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      fs.rmSync(rssFile, { force: true });
      resolve({ wall, rss: kib * 1024, cpu: (user + sys) * 1000, stdout, code });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (b) => `${Math.round(b / 1048576)} MB`;
const rate = (ms) => `${Math.round(objects / (ms / 1000)).toLocaleString('en-US')} objects/s`;

const gen = generateCorpus(corpus, objects, Number(values.seed));
console.log(`corpus: ${gen.objects} objects in ${gen.files.length} files, ${(gen.bytes / 1e6).toFixed(1)} MB (${path.relative(root, corpus)}, seed ${values.seed})`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}`);

// One scan to a real file, to check that every object was read and count the findings.
const check = path.join(out, `manifests-${objects}.json`);
await run(['bin/aigis.js', 'scan', path.relative(root, corpus), '-f', 'json', '-o', check]);
const report = JSON.parse(fs.readFileSync(check, 'utf8'));
console.log(`aigis: ${report.summary.objects} objects, ${report.summary.findings} findings, ${report.errors?.length ?? 0} errors, ${report.summary.skipped} skipped`);
if (report.summary.objects !== objects) console.log(`WARNING: aigis read ${report.summary.objects} objects, expected ${objects}`);

let split;
if (!values['no-split']) {
  split = path.join(out, 'pipeline.mjs');
  await bundleLikeCli(path.join(root, 'bench/lib/pipeline.ts'), split);
}

const yard = [];
const aigis = [];
const phases = [];
const rel = path.relative(root, corpus);
for (let i = 0; i < runs; i++) {
  const order = i % 2 ? ['aigis', 'yard'] : ['yard', 'aigis'];
  for (const which of order) {
    if (which === 'yard') {
      const r = await run(['bench/lib/jsyaml-parse.mjs', rel]);
      yard.push({ ...r, ...JSON.parse(r.stdout) });
    } else {
      aigis.push(await run(['bin/aigis.js', 'scan', rel, '-f', 'json', '-o', '/dev/null', '--jobs', values.jobs]));
    }
  }
  if (split) {
    const r = await run([split, rel, '/dev/null', ...(i === 0 ? ['--library'] : [])]);
    phases.push({ ...JSON.parse(r.stdout), rss: r.rss, wall: r.wall });
  }
  const y = yard[yard.length - 1];
  const a = aigis[aigis.length - 1];
  console.log(`run ${i + 1}/${runs}: js-yaml ${sec(y.wall)} (cpu ${sec(y.cpu)}), aigis ${sec(a.wall)} (cpu ${sec(a.cpu)}), ratio ${(a.wall / y.wall).toFixed(2)}× wall, ${(a.cpu / y.cpu).toFixed(2)}× cpu`);
}

const yWall = median(yard.map((r) => r.wall));
const yCpu = median(yard.map((r) => r.cpu));
const yParse = median(yard.map((r) => r.parseMs));
const aWall = median(aigis.map((r) => r.wall));
const aCpu = median(aigis.map((r) => r.cpu));
const aRss = Math.max(...aigis.map((r) => r.rss));
const yRss = Math.max(...yard.map((r) => r.rss));
if (phases.length) {
  const names = Object.keys(phases[0].times).filter((n) => n !== 'parse-library');
  const parts = names.map((n) => `${n} ${sec(median(phases.map((p) => p.times[n])))} (cpu ${sec(median(phases.map((p) => p.cpu[n])))})`);
  const lib = phases[0].times['parse-library'];
  if (lib !== undefined) parts.push(`[the yaml library path alone would parse in ${sec(lib)} (cpu ${sec(phases[0].cpu['parse-library'])})]`);
  console.log(`aigis in process, medians: ${parts.join(', ')}; ${phases[0].findings} findings, ${phases[0].secrets} secrets; peak RSS ${mb(Math.max(...phases.map((p) => p.rss)))}`);
}
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times are only comparable on an idle machine; CPU times hold up better)`);
console.log(`js-yaml loadAll (yardstick): wall ${sec(yWall)}, cpu ${sec(yCpu)} (parse alone ${sec(yParse)}), ${rate(yWall)}, peak RSS ${mb(yRss)}`);
console.log(`aigis scan${values.jobs === "1" ? ":         " : ` --jobs ${values.jobs}:`}         wall ${sec(aWall)}, cpu ${sec(aCpu)}, ${rate(aWall)}, peak RSS ${mb(aRss)}`);
console.log(`ratio aigis / js-yaml, median of ${runs}: wall ${(aWall / yWall).toFixed(2)}×, cpu ${(aCpu / yCpu).toFixed(2)}× (target ≤ 2.0×, aim ≤ 1.0×); peak RSS ${mb(aRss)} (target ≤ 1024 MB)`);
