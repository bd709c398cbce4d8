// aigis webhook under abuse, as a process (its peak memory read from /proc): slow clients that
// never finish the TLS handshake, their headers or their body; bodies over the cap, declared or
// streamed; a 10 MB AdmissionReview; malformed JSON, the wrong content type, unknown API
// versions; a burst beyond capacity. The server stays up, answers /healthz, bounds its memory,
// and never answers "allowed" to what it did not evaluate: every refusal is a 4xx Status, which
// the API server treats as a webhook failure (failurePolicy decides: docs/security.md).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/rules/paths.js';
import { issueCert, makeCa, type TestCa, type TestCert } from '../helpers/tls.js';
import { admissionReview, request, type Answer } from './admission.js';

let ca: TestCa;
let cert: TestCert;
const children: ChildProcess[] = [];

beforeAll(() => {
  ca = makeCa();
  cert = issueCert(ca);
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

interface Served {
  child: ChildProcess;
  url: string;
  port: number;
  agent: https.Agent;
  /** Peak resident memory of the webhook process so far, in MiB. */
  peakMb(): number;
}

async function serve(args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'aigis.js'), 'webhook', '--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--host', '127.0.0.1', '--port', '0', '--shutdown-delay', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let buffered = '';
  child.stderr!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      buffered += chunk;
      const m = /"msg":"listening","port":(\d+)/.exec(buffered);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', (code) => reject(new Error(`webhook exited ${code}: ${buffered}`)));
  });
  const agent = new https.Agent({ ca: ca.ca, keepAlive: true, maxSockets: 256 });
  const peakMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
  return { child, url: `https://127.0.0.1:${port}`, port, agent, peakMb };
}

function privilegedPod(pad = 0): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', namespace: 'apps', ...(pad ? { annotations: { pad: 'x'.repeat(pad) } } : {}) },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0', securityContext: { privileged: true } }] },
  };
}

const post = (s: Served, body: string | Buffer, headers: Record<string, string | number> = {}, query = '?timeout=10s'): Promise<Answer> => request(`${s.url}/validate${query}`, { body, headers, agent: s.agent });

async function healthy(s: Served, withinMs: number): Promise<void> {
  const t0 = performance.now();
  const a = await request(`${s.url}/healthz`, { method: 'GET', agent: new https.Agent({ ca: ca.ca }) });
  expect(a.body).toBe('ok\n');
  expect(performance.now() - t0).toBeLessThan(withinMs);
}

/** A refusal is a Status, never a review answer, let alone an allowed one. */
function refused(a: Answer, code: number): void {
  expect(a.status).toBe(code);
  const body = JSON.parse(a.body) as Record<string, unknown>;
  expect(body).toMatchObject({ kind: 'Status', status: 'Failure', code });
  expect(body.response).toBeUndefined();
}

describe('aigis webhook under abuse', () => {
  it('a 10 MB AdmissionReview: 413 under the default 8 MiB cap (declared or streamed); evaluated when the cap allows it; memory bounded', async () => {
    const s = await serve();
    const review = JSON.stringify(admissionReview({ object: privilegedPod(10 * 1024 * 1024) }));
    expect(review.length).toBeGreaterThan(10 * 1024 * 1024);
    refused(await post(s, review), 413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${s.url}/validate`, { method: 'POST', agent: s.agent, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let at = 0; at < review.length; at += 1 << 20) req.write(review.slice(at, at + (1 << 20)));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(s.peakMb()).toBeLessThan(200);

    const big = await serve(['--max-body-size', String(16 * 1024 * 1024)]);
    const answer = (await post(big, review)).json();
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.status!.message).toMatch(/^aigis denied Pod apps\/big: .*privileged/);
    expect(big.peakMb()).toBeLessThan(400);
    await healthy(big, 2000);
  }, 60_000);

  it('malformed JSON, the wrong content type, unknown API versions: a 4xx Status each, and the next review is answered', async () => {
    const s = await serve();
    const good = admissionReview({ object: privilegedPod() });
    refused(await post(s, JSON.stringify(good).slice(0, 100)), 400);
    refused(await post(s, Buffer.concat([Buffer.from('\ufeff'), Buffer.from(JSON.stringify(good))])), 400);
    refused(await post(s, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400);
    refused(await post(s, ''), 400);
    refused(await post(s, 'null'), 400);
    refused(await post(s, JSON.stringify(good), { 'content-type': 'text/plain' }), 415);
    refused(await post(s, JSON.stringify(good), { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    for (const apiVersion of ['admission.k8s.io/v1beta1', 'admission.k8s.io/v2', 'v1', undefined]) {
      const a = await post(s, JSON.stringify({ ...good, apiVersion }));
      refused(a, 400);
      expect(JSON.parse(a.body).message).toMatch(/^expected an admission\.k8s\.io\/v1 AdmissionReview \(got apiVersion /);
    }
    expect((await post(s, JSON.stringify(good))).json().response.allowed).toBe(false);
    await healthy(s, 1000);
  }, 30_000);

  it('slow clients (no handshake, headers or body a byte at a time): cut off, while /healthz and reviews are served', async () => {
    const s = await serve();
    const sockets: Array<{ closed: Promise<number> }> = [];
    const t0 = performance.now();
    const track = (socket: net.Socket) => ({ closed: new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - t0))) });
    const timers: NodeJS.Timeout[] = [];
    // 40 connections that never start TLS.
    for (let i = 0; i < 40; i++) {
      const raw = net.connect(s.port, '127.0.0.1');
      raw.on('error', () => undefined);
      sockets.push(track(raw));
    }
    // 40 TLS connections sending their headers one byte a second.
    for (let i = 0; i < 40; i++) {
      const t = tls.connect({ port: s.port, host: '127.0.0.1', ca: ca.ca, servername: 'localhost' });
      t.on('error', () => undefined);
      const head = 'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n';
      let at = 0;
      timers.push(setInterval(() => at < head.length && !t.destroyed && t.write(head[at++]!), 1000));
      sockets.push(track(t));
    }
    // 10 requests whose body trickles in: the API server's ?timeout bounds the wait.
    const slowBodies = Array.from({ length: 10 }, () =>
      new Promise<number>((resolve) => {
        const req = https.request(`${s.url}/validate?timeout=1s`, { method: 'POST', agent: new https.Agent({ ca: ca.ca }), headers: { 'content-type': 'application/json', 'content-length': 100 } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(-1));
        req.write('{"apiVersion":');
        timers.push(setInterval(() => !req.destroyed && req.write(' '), 300));
      }),
    );
    await healthy(s, 1000);
    expect((await post(s, JSON.stringify(admissionReview({ object: privilegedPod() })))).json().response.allowed).toBe(false);
    expect(await Promise.all(slowBodies)).toEqual(Array(10).fill(408));
    // The handshake and header timeouts (10 s, checked every second) close every slow socket.
    const closedAt = await Promise.all(sockets.map((x) => x.closed));
    for (const t of timers) clearInterval(t);
    expect(Math.max(...closedAt)).toBeLessThan(15_000);
    await healthy(s, 1000);
    expect(s.peakMb()).toBeLessThan(200);
  }, 30_000);

  it('a burst beyond capacity: 429 for what does not fit, the rest answered, memory bounded, /healthz served, and it recovers', async () => {
    const s = await serve();
    const bigReview = JSON.stringify(admissionReview({ object: privilegedPod(2 * 1024 * 1024) }));
    const small = JSON.stringify(admissionReview({ object: privilegedPod() }));
    // 40 bodies of 2 MiB is 80 MiB, over the default 32 MiB of pending bodies (4 × --max-body-size).
    // Each is sent but its last byte, so that they are all pending at once.
    const held = Array.from({ length: 40 }, () => {
      let finish = () => undefined as unknown;
      const answer = new Promise<Answer>((resolve, reject) => {
        const req = https.request(`${s.url}/validate?timeout=10s`, { method: 'POST', agent: s.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bigReview) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
          });
        });
        req.on('error', reject);
        req.write(bigReview.slice(0, -1));
        finish = () => req.end(bigReview.slice(-1));
      });
      return { answer, finish: () => finish() };
    });
    const first = await Promise.race(held.map((h) => h.answer));
    expect(first.status).toBe(429);
    const health = healthy(s, 15_000);
    for (const h of held) h.finish();
    const answers = [...(await Promise.all(held.map((h) => h.answer))), ...(await Promise.all(Array.from({ length: 200 }, () => post(s, small))))];
    await health;
    const statuses = answers.map((a) => a.status);
    expect(new Set(statuses)).toEqual(new Set([200, 429]));
    for (const a of answers) {
      if (a.status === 429) {
        refused(a, 429);
        expect(a.headers['retry-after']).toBe('1');
      } else expect(a.json().response.allowed).toBe(false);
    }
    expect(statuses.filter((c) => c === 429).length).toBeGreaterThan(0);
    expect(s.peakMb()).toBeLessThan(400);
    // The pending budget is back to empty: a body near the cap is accepted again.
    const nearCap = JSON.stringify(admissionReview({ object: privilegedPod(7 * 1024 * 1024) }));
    expect((await post(s, nearCap)).json().response.allowed).toBe(false);
    const metrics = await request(`${s.url}/metrics`, { method: 'GET', agent: s.agent });
    expect(metrics.body).toMatch(/^aigis_webhook_http_errors_total\{code="429"\} [1-9]\d*$/m);
  }, 60_000);
});
