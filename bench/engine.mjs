#!/usr/bin/env node
// bench/engine: CPU per object of the shared engine (model build + rules + supersede +
// fingerprints), in process, with no HTTP, TLS or YAML in the way (issue #8, the part of
// targets 2, 5 and 6 that every input pays).
//
//   node bench/engine.mjs [--runs 5] [--reviews 20000] [--scan-runs 20] [DIR…]
//
// 1. bundles bench/lib/engine-loop.ts with esbuild (like the CLI: the precompiled catalogue in
//    dist/ is used);
// 2. --runs times, each its own process: `--reviews` admission reviews of the bench/webhook.mjs
//    mix through the webhook's Reviewer, then `--scan-runs` evaluations of each DIR (loaded
//    once; default examples/ and, when present, ../shared/corpus/{manifests,dockerfiles});
// and prints the median CPU time per review and per evaluation as its last lines.
// Needs a built CLI (npm run build).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleLikeCli } from './lib/bundle.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '5' },
    reviews: { type: 'string', default: '20000' },
    'scan-runs': { type: 'string', default: '20' },
  },
});
if (!fs.existsSync(path.join(root, 'dist', 'catalogue.js'))) {
  console.error('bench/engine: build the CLI first (npm run build)');
  process.exit(2);
}
const shared = path.join(root, '..', 'shared', 'corpus');
const dirs = positionals.length
  ? positionals
  : ['examples', ...['manifests', 'dockerfiles'].map((d) => path.join(shared, d)).filter((d) => fs.existsSync(d))];

const loop = path.join(root, 'bench', 'out', 'engine-loop.mjs');
await bundleLikeCli(path.join(root, 'bench/lib/engine-loop.ts'), loop);

const runLoop = (...args) => JSON.parse(execFileSync(process.execPath, [loop, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n').pop());
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const runs = Number(values.runs);
const results = new Map();
for (let r = 0; r < runs; r++) {
  const jobs = [['reviews', values.reviews], ...dirs.map((d) => ['scan', d, values['scan-runs']])];
  for (const job of jobs) {
    const out = runLoop(...job);
    const key = job[0] === 'reviews' ? 'reviews' : job[1];
    const list = results.get(key) ?? [];
    list.push(out);
    results.set(key, list);
  }
}
console.log(`load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; medians of ${runs} runs, CPU time (user + system)`);
for (const [key, list] of results) {
  const per = median(list.map((x) => x.perItemUs));
  if (key === 'reviews') {
    console.log(`webhook review (Reviewer.review, no HTTP/TLS): ${(per / 1000).toFixed(3)} ms CPU a review (${list[0].count} reviews a run, ${list[0].findings} findings)`);
  } else {
    const { objects, subjects } = list[0];
    const what = objects ? `${objects} objects` : `${subjects} subjects`;
    console.log(`evaluate ${path.relative(root, key) || key}: ${(per / 1000).toFixed(2)} ms CPU an evaluation of ${what} (${(per / Math.max(objects || subjects, 1)).toFixed(1)} µs each, ${list[0].findings / list[0].count} findings)`);
  }
}
