#!/usr/bin/env node
// bench/cluster: `aigis audit` of a large cluster served by the test stand-in API server
// (test/cluster/fake-api-server.ts) over HTTPS on loopback (issue #7).
//
//   node bench/cluster.mjs [--namespaces 200] [--deployments 10] [--replicas 5] [--runs 3]
//
// 1. builds a cluster of N namespaces × D Deployments × R pods (default 10,000 pods across 200
//    namespaces, owned by 2,000 Deployments through 2,000 ReplicaSets), one privileged
//    container per template, plus a Namespace, a ServiceAccount and a Service per namespace;
// 2. serves it from this process with a generated CA, certificate and token kubeconfig;
// 3. runs `node bin/aigis.js audit --kubeconfig … --format json` R times in its own process,
//    timed from spawn to exit, peak RSS from /usr/bin/time (or the child's own maxRSS);
// 4. checks the report: one privileged finding per Deployment template, none on a Pod or a
//    ReplicaSet; and, as a yardstick from the same run, times kubectl fetching the same
//    objects as JSON (when kubectl is on PATH).
// Prints the figures as its last lines. Needs a built CLI (npm run build) and openssl.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleLikeCli } from './lib/bundle.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    namespaces: { type: 'string', default: '200' },
    deployments: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
  },
});
const namespaces = Number(values.namespaces);
const deployments = Number(values.deployments);
const replicas = Number(values.replicas);
const runs = Number(values.runs);
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!fs.existsSync(path.join(root, 'dist', 'aigis.js'))) {
  console.error('bench/cluster: build the CLI first (npm run build)');
  process.exit(2);
}

// The stand-in server and the object builders are TypeScript test helpers: bundle them once.
const out = path.join(root, 'bench', 'out');
const lib = path.join(out, 'cluster-lib.mjs');
const entry = path.join(out, 'cluster-lib-entry.ts');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  entry,
  ["export * from '../../test/cluster/fake-api-server.js';", "export * from '../../test/cluster/objects.js';", "export * from '../../test/helpers/tls.js';"].join('\n'),
);
await bundleLikeCli(entry, lib);
const { FakeApiServer, writeKubeconfig, scaleCluster, makeCa, issueCert } = await import(pathToFileURL(lib).href);

const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Run a command to completion: wall ms, CPU ms (user + sys, with /usr/bin/time), peak RSS (bytes), stdout. */
function run(cmd, args, env, { rss = true } = {}) {
  const rssFile = path.join(os.tmpdir(), `aigis-bench-rss-${process.pid}`);
  let argv = [cmd, args];
  if (rss) argv = TIME ? [TIME, ['-f', '%U %S %M', '-o', rssFile, cmd, ...args]] : [cmd, ['--import', path.join(root, 'bench/lib/max-rss.mjs'), ...args]];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0], argv[1], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, AIGIS_BENCH_RSS: rssFile } });
    const chunks = [];
    let stderr = '';
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - start;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      let bytes = 0;
      let cpu;
      if (rss) {
        const raw = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop();
        fs.rmSync(rssFile, { force: true });
        if (TIME) {
          const [user, sys, kb] = raw.split(' ').map(Number);
          cpu = (user + sys) * 1000;
          bytes = kb * 1024;
        } else bytes = Number(raw);
      }
      resolve({ wall, cpu, rss: bytes, stdout: Buffer.concat(chunks).toString('utf8'), stderr });
    });
  });
}

const objects = scaleCluster(namespaces, deployments, replicas);
const pods = objects.filter((o) => o.kind === 'Pod').length;
const templates = objects.filter((o) => o.kind === 'Deployment').length;
const ca = makeCa();
const cert = issueCert(ca);
const token = 'bench-token';
const fake = await FakeApiServer.start({ cert: cert.cert, key: cert.key, token, objects });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-bench-cluster-'));
const kubeconfig = writeKubeconfig(path.join(dir, 'kubeconfig'), { server: fake.url, ca: ca.ca, token, context: 'bench' });
console.log(`cluster: ${objects.length} objects, ${pods} pods across ${namespaces} namespaces, owned by ${templates} Deployments (${replicas} replicas each)`);

const audits = [];
let kubectl = [];
const hasKubectl = await run('kubectl', ['version', '--client'], {}, { rss: false }).then(() => true, () => false);
for (let i = 0; i < runs; i++) {
  const r = await run(process.execPath, ['bin/aigis.js', 'audit', '--kubeconfig', kubeconfig, '--format', 'json', '--fail-on', 'none'], { HOME: dir });
  audits.push(r);
  let line = `run ${i + 1}/${runs}: aigis audit ${sec(r.wall)}${r.cpu !== undefined ? ` (CPU ${sec(r.cpu)})` : ''}, peak RSS ${mb(r.rss)}`;
  if (hasKubectl) {
    const k = await run('kubectl', ['get', 'namespaces,serviceaccounts,services,deployments,replicasets,pods', '-A', '-o', 'json'], { KUBECONFIG: kubeconfig, HOME: dir }, { rss: false });
    kubectl.push(k);
    line += `; kubectl get … -o json ${sec(k.wall)}`;
  }
  console.log(line);
}
await fake.close();

// One finding per template: the privileged flag is reported once per Deployment, never on a
// replica or a ReplicaSet.
const report = JSON.parse(audits[audits.length - 1].stdout);
const findings = report.findings;
const privileged = findings.filter((f) => f.location.pointer.endsWith('/securityContext/privileged'));
const onReplicas = findings.filter((f) => /\/(Pod|ReplicaSet)\//.test(f.location.logical ?? ''));
const perTemplate = new Set(privileged.map((f) => f.location.logical));
const ok = privileged.length === templates && perTemplate.size === templates && onReplicas.length === 0;
const wall = median(audits.map((r) => r.wall));
const cpu = TIME ? ` (CPU user+sys ${sec(median(audits.map((r) => r.cpu)))})` : '';
const rss = Math.max(...audits.map((r) => r.rss));

console.log(`machine: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs (wall times stretch with it; CPU times much less)`);
console.log(`report: ${findings.length} findings on ${report.summary.objects} objects; privileged: ${privileged.length} findings on ${perTemplate.size} templates (expected ${templates}); on pods or ReplicaSets: ${onReplicas.length}`);
if (hasKubectl) console.log(`kubectl get namespaces,serviceaccounts,services,deployments,replicasets,pods -A -o json (yardstick, median of ${runs}): ${sec(median(kubectl.map((r) => r.wall)))}`);
console.log(`aigis audit, ${pods} pods / ${namespaces} namespaces / ${templates} Deployments (median of ${runs}): wall ${sec(wall)}${cpu} (target ≤ 10 s), peak RSS ${mb(rss)} (target ≤ 500 MB), one finding per template: ${ok ? 'yes' : 'NO'}`);
if (!ok) process.exitCode = 1;
