#!/usr/bin/env node
// bench/webhook: bounded load on `aigis webhook` over HTTPS on loopback (issue #7).
//
//   node bench/webhook.mjs [--requests 20000] [--concurrency 50] [--warmup 2000] [--workers 1]
//
// 1. starts `node bin/aigis.js webhook` (enforce mode, single objects, no cluster context) in
//    its own process (or --workers processes) with a generated CA and certificate;
// 2. sends a mix of real AdmissionReview v1 requests over keep-alive TLS connections, one
//    review at a time on each, as the API server does (a lean client on tls.connect: Node's
//    https client would cost as much CPU as the webhook): CREATE of a privileged GPU pod, a hardened GPU pod, a privileged and a
//    hardened Deployment, a KServe InferenceService, a Service; an UPDATE with oldObject;
//    a dry run; a DELETE and a ConfigMap (allowed at once) — each with its own uid, each
//    answer checked (status 200, uid echoed, the expected decision);
// 3. after a warm-up, `--requests` reviews at `--concurrency`, then 2,000 one at a time;
// and prints throughput, latency (seen by the client, and the server's own processing time
// from its Server-Timing header) and errors as its last lines. Needs a built CLI (npm run build)
// and openssl.

import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MIX as REVIEW_MIX } from './lib/review-mix.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '1' },
  },
});
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const warmup = Number(values.warmup);
const workers = Number(values.workers);

if (!fs.existsSync(path.join(root, 'dist', 'aigis.js'))) {
  console.error('bench/webhook: build the CLI first (npm run build)');
  process.exit(2);
}

// Certificates (as test/helpers/tls.ts makes them).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-bench-webhook-'));
const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=bench-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
fs.writeFileSync(path.join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=aigis-webhook.aigis-system.svc');
openssl('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '1', '-extfile', 'ext');

const MIX = REVIEW_MIX.map((m) => {
  const [head, tail] = JSON.stringify(m.body).split('@UID@');
  return { ...m, head, tail };
});

// The server, in its own process.
const server = spawn(process.execPath, [...(process.env.AIGIS_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), 'bin/aigis.js', 'webhook', '--tls-cert', path.join(dir, 'tls.crt'), '--tls-key', path.join(dir, 'tls.key'), '--host', '127.0.0.1', '--port', '0', '--shutdown-delay', '0', '--workers', String(workers)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
// Its log (a line per denial) is read line by line and only the tail kept, for error messages.
let logTail = '';
const port = await new Promise((resolve, reject) => {
  let partial = '';
  server.stderr.on('data', (d) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop();
    for (const line of lines) if (line.includes('"msg":"listening"')) resolve(JSON.parse(line).port);
    logTail = (logTail + d).slice(-4096);
  });
  server.on('close', (code) => reject(new Error(`aigis webhook exited ${code}: ${logTail}`)));
});
const serverDone = new Promise((resolve) => server.on('close', resolve));

const ca = fs.readFileSync(path.join(dir, 'ca.crt'));

/**
 * One keep-alive TLS connection carrying one review at a time, as the API server's webhook
 * client does. Written on tls.connect because Node's https client spends about as much CPU per
 * request as the webhook itself, which would make this measure the load generator.
 */
class Connection {
  constructor() {
    this.buf = Buffer.alloc(0);
    this.waiting = undefined;
    this.socket = tls.connect({ host: '127.0.0.1', port, ca });
    this.socket.setNoDelay(true);
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', (err) => this.settle(err));
    this.socket.on('close', () => this.settle(new Error('connection closed')));
  }

  request(body) {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      const head = `POST /validate?timeout=5s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      this.socket.write(head + body);
    });
  }

  onData(d) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buf.length < end + 4 + length) return;
    const body = this.buf.subarray(end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve({ status: Number(head.slice(9, 12)), head, body });
  }

  settle(err) {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(err);
  }

  close() {
    this.socket.end();
  }
}

/** One review on `conn`: client latency (ms), server processing (ms), or an error string. */
async function send(conn, i) {
  const m = MIX[i % MIX.length];
  const uid = randomUUID();
  const start = performance.now();
  let res;
  try {
    res = await conn.request(m.head + uid + m.tail);
  } catch (err) {
    return { error: `${m.name}: ${err.message}` };
  }
  const ms = performance.now() - start;
  const server = Number(/\r\nserver-timing: review;dur=([\d.]+)/i.exec(res.head)?.[1]);
  if (res.status !== 200) return { error: `${m.name}: HTTP ${res.status}` };
  let r;
  try {
    r = JSON.parse(res.body.toString('utf8')).response;
  } catch {
    return { error: `${m.name}: answer is not JSON` };
  }
  if (r.uid !== uid) return { error: `${m.name}: uid not echoed` };
  if (r.allowed !== m.allowed) return { error: `${m.name}: allowed ${r.allowed}, expected ${m.allowed}` };
  return { ms, server, denied: !r.allowed };
}

async function load(n, c) {
  const results = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      let conn = new Connection();
      while (next < n) {
        const r = await send(conn, next++);
        results.push(r);
        if (r.error) {
          conn.close();
          conn = new Connection();
        }
      }
      conn.close();
    }),
  );
  return { results, seconds: (performance.now() - start) / 1000 };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => `${x.toFixed(2)} ms`;
function summary(label, { results, seconds }) {
  const ok = results.filter((r) => !r.error);
  const errors = results.filter((r) => r.error);
  const denied = ok.filter((r) => r.denied).length;
  const client = ok.map((r) => r.ms);
  const srv = ok.map((r) => r.server);
  console.log(
    `${label}: ${results.length} reviews (${denied} denied, ${ok.length - denied} allowed) in ${seconds.toFixed(2)} s = ${Math.round(results.length / seconds)} reviews/s; ` +
      `client latency p50 ${ms(pct(client, 50))}, p99 ${ms(pct(client, 99))}; server processing p50 ${ms(pct(srv, 50))}, p99 ${ms(pct(srv, 99))}; errors ${errors.length}`,
  );
  for (const e of [...new Set(errors.map((r) => r.error))].slice(0, 5)) console.log(`  error: ${e}`);
  return { ok, errors, srv, client, rate: results.length / seconds };
}

/** CPU seconds (user + sys) the server has used (its workers included), from /proc (Linux). */
function serverCpu() {
  try {
    const pids = [server.pid, ...fs.readFileSync(`/proc/${server.pid}/task/${server.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)];
    let ticks = 0;
    for (const pid of pids) {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100;
  } catch {
    return undefined;
  }
}

await load(warmup, concurrency);
const cpuBefore = serverCpu();
const clientBefore = process.cpuUsage();
const loaded = summary(`load (concurrency ${concurrency})`, await load(total, concurrency));
const clientCpu = process.cpuUsage(clientBefore);
const cpuAfter = serverCpu();
const cpuPerReview = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / total : undefined;
if (cpuPerReview !== undefined) {
  const clientPerReview = (clientCpu.user + clientCpu.system) / 1000 / total;
  console.log(
    `server CPU: ${(cpuAfter - cpuBefore).toFixed(2)} s for ${total} reviews = ${cpuPerReview.toFixed(3)} ms a review (TLS and HTTP included), i.e. ${Math.round(1000 / cpuPerReview)} reviews/s per core; ` +
      `load generator CPU ${clientPerReview.toFixed(3)} ms a review; machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`,
  );
}
const serial = summary('one at a time', await load(2000, 1));
server.kill('SIGTERM');
await serverDone;

console.log(
  `aigis webhook (${workers} worker${workers === 1 ? '' : 's'}), ${total} reviews at concurrency ${concurrency} (mixed allowed/denied): ${Math.round(loaded.rate)} reviews/s (target ≥ 2,000), ` +
    `server processing p50 ${ms(pct(loaded.srv, 50))} p99 ${ms(pct(loaded.srv, 99))}, client p50 ${ms(pct(loaded.client, 50))} p99 ${ms(pct(loaded.client, 99))}; ` +
    `one at a time: client p99 ${ms(pct(serial.client, 99))} (target p99 ≤ 5 ms); errors ${loaded.errors.length + serial.errors.length}`,
);
if (loaded.errors.length + serial.errors.length) process.exitCode = 1;
