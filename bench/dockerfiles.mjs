#!/usr/bin/env node
// bench/dockerfiles: aigis scan of a Dockerfile corpus beside a bare dockerfile-ast parse of the
// same files, in the same run, on the same machine (the performance issue's Dockerfile target).
//
//   node bench/dockerfiles.mjs [--corpus DIR] [--files N] [--runs R]
//
// 1. copies the corpus (default ../shared/corpus/dockerfiles, 153 real Dockerfiles) as many
//    times as it takes to reach N files (default 5,000) under bench/out/dockerfiles-N;
// 2. R times (default 5), in alternating order: dockerfile-ast over every file (the yardstick,
//    its own process) and `node bin/aigis.js scan DIR -f json -o /dev/null`, each timed from
//    spawn to exit;
// and prints the medians (wall and CPU time), Dockerfiles/second and the ratios as its last lines.
// Needs a built CLI (npm run build).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(root, '..', 'shared', 'corpus', 'dockerfiles') },
    files: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '5' },
  },
});
const want = Number(values.files);
const runs = Number(values.runs);
const NAME = /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i;

if (!fs.existsSync(path.join(root, 'dist', 'aigis.js')) || !fs.existsSync(path.join(root, 'dist', 'catalogue.js'))) {
  console.error('bench/dockerfiles: build the CLI first (npm run build)');
  process.exit(2);
}
if (!fs.existsSync(values.corpus)) {
  console.error(`bench/dockerfiles: no corpus at ${values.corpus} (give one with --corpus DIR)`);
  process.exit(2);
}

const sources = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (NAME.test(e.name)) sources.push(p);
  }
})(values.corpus);
if (!sources.length) {
  console.error(`bench/dockerfiles: no Dockerfiles under ${values.corpus}`);
  process.exit(2);
}

// Copies in numbered folders keep every name a Dockerfile name; rebuilt when the corpus changed.
const copies = Math.ceil(want / sources.length);
const corpus = path.join(root, 'bench', 'out', `dockerfiles-${copies * sources.length}`);
const stamp = path.join(corpus, '.stamp');
const signature = JSON.stringify({ sources: sources.map((s) => [path.relative(values.corpus, s), fs.statSync(s).size]), copies });
if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== signature) {
  fs.rmSync(corpus, { recursive: true, force: true });
  for (let c = 0; c < copies; c++) {
    sources.forEach((s, i) => {
      const dir = path.join(corpus, `copy-${c}`, String(i));
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(s, path.join(dir, path.basename(s)));
    });
  }
  fs.writeFileSync(stamp, signature);
}
const files = copies * sources.length;
const bytes = sources.reduce((n, s) => n + fs.statSync(s).size, 0) * copies;

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Run `node args…`: wall ms, CPU ms (user + system, from /usr/bin/time when there is one), stdout. */
function run(args) {
  const timeFile = path.join(os.tmpdir(), `aigis-bench-time-${process.pid}`);
  const [cmd, argv] = TIME ? [TIME, ['-f', '%U %S %M', '-o', timeFile, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - start;
      if (code !== 0 && code !== 1) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      let cpu = NaN;
      let rss = NaN;
      if (TIME) {
        const [u, sy, m] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        cpu = (u + sy) * 1000;
        rss = m * 1024;
        fs.rmSync(timeFile, { force: true });
      }
      resolve({ wall, cpu, rss, stdout });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rate = (ms) => `${Math.round(files / (ms / 1000)).toLocaleString('en-US')} Dockerfiles/s`;
const rel = path.relative(root, corpus);

console.log(`corpus: ${files} Dockerfiles (${sources.length} files × ${copies}), ${(bytes / 1e6).toFixed(1)} MB under ${rel}`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);

// One scan to a real file: every file read, nothing unreadable.
const check = path.join(root, 'bench', 'out', `dockerfiles-${files}.json`);
await run(['bin/aigis.js', 'scan', rel, '-f', 'json', '-o', check, '--fail-on', 'none']);
const report = JSON.parse(fs.readFileSync(check, 'utf8'));
console.log(`aigis: ${report.summary.files} files, ${report.summary.findings} findings, ${report.summary.unreadable} unreadable`);
if (report.summary.files !== files) console.log(`WARNING: aigis read ${report.summary.files} files, expected ${files}`);

const yard = [];
const aigis = [];
for (let i = 0; i < runs; i++) {
  for (const which of i % 2 ? ['aigis', 'yard'] : ['yard', 'aigis']) {
    if (which === 'yard') {
      const r = await run(['bench/lib/dockerfile-ast-parse.mjs', rel]);
      yard.push({ ...r, ...JSON.parse(r.stdout) });
    } else aigis.push(await run(['bin/aigis.js', 'scan', rel, '-f', 'json', '-o', '/dev/null', '--fail-on', 'none']));
  }
  const y = yard[yard.length - 1];
  const a = aigis[aigis.length - 1];
  console.log(`run ${i + 1}/${runs}: dockerfile-ast ${sec(y.wall)} (cpu ${sec(y.cpu)}), aigis ${sec(a.wall)} (cpu ${sec(a.cpu)}), ratio ${(a.wall / y.wall).toFixed(2)}× wall, ${(a.cpu / y.cpu).toFixed(2)}× cpu`);
}
const yWall = median(yard.map((r) => r.wall));
const aWall = median(aigis.map((r) => r.wall));
const yCpu = median(yard.map((r) => r.cpu));
const aCpu = median(aigis.map((r) => r.cpu));
const mb = (b) => (Number.isFinite(b) ? `${Math.round(b / 1048576)} MB` : '?');
// Other processes on a shared machine stretch wall time; CPU time (user + system) is steadier.
console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
console.log(`dockerfile-ast parse (yardstick): wall ${sec(yWall)} (parse alone ${sec(median(yard.map((r) => r.parseMs)))}), cpu ${sec(yCpu)}, ${rate(yWall)}`);
console.log(`aigis scan:                       wall ${sec(aWall)}, cpu ${sec(aCpu)}, ${rate(aWall)}, peak RSS ${mb(Math.max(...aigis.map((r) => r.rss)))}`);
console.log(`ratio aigis / dockerfile-ast (median of ${runs}): ${(aWall / yWall).toFixed(2)}× wall, ${(aCpu / yCpu).toFixed(2)}× cpu (target ≤ 3.0×)`);
