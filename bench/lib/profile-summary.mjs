#!/usr/bin/env node
// Summarise a V8 .cpuprofile (node --cpu-prof): self time by function and by bundle chunk.
// Usage: node bench/lib/profile-summary.mjs FILE.cpuprofile [TOP]

import fs from 'node:fs';

const [file, topArg = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.mjs FILE.cpuprofile [TOP]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});
const byFunction = new Map();
const byFile = new Map();
for (const [id, t] of self) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const where = url.split('/').slice(-2).join('/');
  const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
  const f = url ? url.split('/').slice(-2).join('/') : functionName;
  byFile.set(f, (byFile.get(f) ?? 0) + t);
}
const top = (m, n) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, t]) => `${(t / 1000).toFixed(0).padStart(8)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms\n-- self time by function\n${top(byFunction, Number(topArg))}\n-- self time by file\n${top(byFile, 12)}`);
