#!/usr/bin/env node
// bench/startup: the pre-commit case (issue #8, target 1). `aigis scan` of one small manifest
// beside a bare `node -e ""`, alternating, medians of many runs.
//
//   node bench/startup.mjs [--runs N]      (default 30; needs a built CLI: npm run build)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
if (!fs.existsSync(path.join(root, 'dist', 'aigis.js'))) {
  console.error('bench/startup: build the CLI first (npm run build)');
  process.exit(2);
}

// A small manifest with one finding, as a pre-commit hook would see it.
const dir = path.join(root, 'bench', 'out', 'startup');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'deployment.yaml');
fs.writeFileSync(
  file,
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ollama
  namespace: ml
spec:
  replicas: 1
  selector:
    matchLabels: {app: ollama}
  template:
    metadata:
      labels: {app: ollama}
    spec:
      containers:
      - name: ollama
        image: ollama/ollama:0.6.2
        ports:
        - containerPort: 11434
        resources:
          limits: {nvidia.com/gpu: 1, memory: 16Gi}
        securityContext:
          privileged: true
`,
);

const commands = {
  node: [process.execPath, ['-e', '']],
  aigis: [process.execPath, [path.join(root, 'bin', 'aigis.js'), 'scan', path.relative(root, file)]],
};

function time([cmd, args]) {
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Warm the file cache for both before measuring.
for (let i = 0; i < 3; i++) for (const c of Object.values(commands)) time(c);
const samples = { node: [], aigis: [] };
for (let i = 0; i < runs; i++) {
  const order = i % 2 ? ['aigis', 'node'] : ['node', 'aigis'];
  for (const name of order) samples[name].push(time(commands[name]));
}
const n = median(samples.node);
const a = median(samples.aigis);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`node -e "" (yardstick):      median ${n.toFixed(0)} ms of ${runs} (min ${Math.min(...samples.node).toFixed(0)} ms)`);
console.log(`aigis scan (one manifest):   median ${a.toFixed(0)} ms of ${runs} (min ${Math.min(...samples.aigis).toFixed(0)} ms)`);
console.log(`ratio aigis / node (median): ${(a / n).toFixed(2)}× (target ≤ 2.5×)`);
