// The admission webhook's HTTPS server: POST /validate (AdmissionReview v1), /healthz, /readyz,
// /metrics. The certificate and key are re-read when their files change (cert-manager and
// Secret volumes rotate them in place). Bodies are capped; a malformed one gets 400 and the
// server carries on. Every answer carries a Server-Timing header with the time spent on it.

import fs from 'node:fs';
import https from 'node:https';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { AigisError } from '../util/errors.js';
import { Metrics } from './metrics.js';
import { parseReview, type Reviewer } from './review.js';

export interface WebhookServerOptions {
  /** Address to listen on (default: every interface). */
  host?: string;
  port: number;
  tlsCert: string;
  tlsKey: string;
  /** How often the certificate files are checked for changes. */
  reloadIntervalMs: number;
  maxBodyBytes: number;
  /**
   * Bytes of request bodies held at once (arriving, or waiting for their turn to be evaluated);
   * a request that would go over it is answered 429. Bounds memory under a burst (default: four
   * bodies of the largest size).
   */
  maxPendingBytes?: number;
  /**
   * Reviews held at once; past it, 429. Evaluation is synchronous: a long queue of small reviews
   * would keep /healthz (the liveness probe) waiting behind it. Default 64.
   */
  maxPendingReviews?: number;
  reviewer: Reviewer;
  /** Extra readiness (the --cluster-context cache has synced). */
  ready?: () => boolean;
  /** Gauges to add to /metrics (cache sizes). */
  metrics?: (m: Metrics) => void;
  log(entry: Record<string, unknown>): void;
}

const TLS_OPTIONS = { minVersion: 'TLSv1.2' as const };
// The API server gives a webhook at most 30 s (10 s by default, and deploy/ asks for 5 s). Bodies
// that trickle in slower than this cannot be answered in time anyway.
const MAX_READ_MS = 10_000;
// A client that opens a connection and never completes the TLS handshake or its headers holds a
// socket: both are cut after this long (the API server takes milliseconds), checked every second.
const HANDSHAKE_MS = 10_000;
const HEADERS_MS = 10_000;

interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

function stamp(file: string): FileStamp | undefined {
  try {
    const s = fs.statSync(file);
    return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
  } catch {
    return undefined;
  }
}

function same(a?: FileStamp, b?: FileStamp): boolean {
  return !!a && !!b && a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/** Read the certificate and key and check that they make a usable pair; errors name the file. */
export function readPair(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = fs.readFileSync(certFile);
  } catch (err) {
    throw new AigisError(`cannot read the TLS certificate: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: certFile });
  }
  try {
    key = fs.readFileSync(keyFile);
  } catch (err) {
    throw new AigisError(`cannot read the TLS key: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: keyFile });
  }
  try {
    tls.createSecureContext({ cert, key, ...TLS_OPTIONS });
  } catch (err) {
    throw new AigisError(`the TLS certificate and key do not make a usable pair: ${(err as Error).message}`, { file: certFile });
  }
  return { cert, key };
}

/** `10s`, `500ms` (the API server appends ?timeout=10s to the webhook URL). */
function timeoutParam(value: string | null): number | undefined {
  const m = value ? /^(\d+)(ms|s)$/.exec(value) : null;
  if (!m) return undefined;
  return m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1000;
}

// The API server calls `/validate?timeout=10s`: such plain targets are split by hand, which costs
// a fraction of a WHATWG URL per request; anything else (escapes, dot segments, other query
// parameters) goes through URL, so both ways give the same path and parameter.
const PLAIN_PATH = /^\/[a-z]*$/;
const PLAIN_QUERY = /^timeout=[0-9a-z]*$/;

export function requestTarget(raw: string): { pathname: string; timeout: () => string | null } {
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  if (PLAIN_PATH.test(path) && (query === '' || PLAIN_QUERY.test(query))) {
    return { pathname: path, timeout: () => (query === '' ? null : query.slice('timeout='.length)) };
  }
  const url = new URL(raw, 'https://webhook');
  return { pathname: url.pathname, timeout: () => url.searchParams.get('timeout') };
}

export class WebhookServer {
  readonly metrics = new Metrics();
  private server!: https.Server;
  private stamps: [FileStamp | undefined, FileStamp | undefined] = [undefined, undefined];
  private timer?: NodeJS.Timeout;
  private draining = false;
  /** Bytes of request bodies held now (see maxPendingBytes), and the reviews holding them. */
  private pending = 0;
  private pendingReviews = 0;

  private constructor(private readonly o: WebhookServerOptions) {
    const m = this.metrics;
    m.counter('requests_total', 'Admission reviews answered, by operation, kind and decision (allowed, denied, warned, skipped, error).');
    m.counter('denials_total', 'Denied admission reviews, by rule that caused the denial.');
    m.counter('findings_total', 'Findings reported in admission reviews, by rule and severity.');
    m.counter('http_errors_total', 'Requests answered without a review (malformed, too large, wrong method or path), by HTTP status.');
    m.counter('tls_reloads_total', 'Certificate reloads, by result.');
    o.metrics?.(m);
  }

  static async start(o: WebhookServerOptions): Promise<WebhookServer> {
    const s = new WebhookServer(o);
    const pair = readPair(o.tlsCert, o.tlsKey);
    s.stamps = [stamp(o.tlsCert), stamp(o.tlsKey)];
    s.server = https.createServer({ ...pair, ...TLS_OPTIONS, handshakeTimeout: HANDSHAKE_MS, connectionsCheckingInterval: 1000 }, (req, res) => s.handle(req, res));
    // The API server keeps webhook connections open between calls; closing them sooner than it
    // does races its next request on a dying connection.
    s.server.keepAliveTimeout = 120_000;
    s.server.headersTimeout = HEADERS_MS;
    s.server.requestTimeout = 15_000;
    s.server.on('tlsClientError', () => s.metrics.inc('http_errors_total', { code: 'tls' }));
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', (err: NodeJS.ErrnoException) => reject(new AigisError(`cannot listen on ${o.host ?? '*'}:${o.port}: ${err.code ?? err.message}`)));
      s.server.listen(o.port, o.host, () => resolve());
    });
    s.timer = setInterval(() => s.reloadIfChanged(), o.reloadIntervalMs);
    s.timer.unref();
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stop answering ready (the endpoint leaves the Service) but keep serving reviews. */
  drain(): void {
    this.draining = true;
  }

  async close(): Promise<void> {
    this.draining = true;
    if (this.timer) clearInterval(this.timer);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  /** Re-read the certificate and key when either file changed; keep the old pair if the new one is unusable. */
  reloadIfChanged(): void {
    const now: [FileStamp | undefined, FileStamp | undefined] = [stamp(this.o.tlsCert), stamp(this.o.tlsKey)];
    if (same(now[0], this.stamps[0]) && same(now[1], this.stamps[1])) return;
    try {
      const pair = readPair(this.o.tlsCert, this.o.tlsKey);
      this.server.setSecureContext({ ...pair, ...TLS_OPTIONS });
      this.stamps = now;
      this.metrics.inc('tls_reloads_total', { result: 'ok' });
      this.o.log({ level: 'info', msg: 'reloaded the TLS certificate', cert: this.o.tlsCert });
    } catch (err) {
      // Mid-rotation the files may not match yet: try again at the next tick.
      this.metrics.inc('tls_reloads_total', { result: 'failed' });
      this.o.log({ level: 'warn', msg: 'TLS certificate not reloaded', error: err instanceof AigisError ? err.format() : (err as Error).message });
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = process.hrtime.bigint();
    const { pathname, timeout } = requestTarget(req.url ?? '/');
    const send = (code: number, type: string, body: string, close = false) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const headers: http.OutgoingHttpHeaders = { 'content-type': type, 'content-length': Buffer.byteLength(body), 'server-timing': `review;dur=${ms.toFixed(3)}` };
      if (close) headers.connection = 'close';
      if (code === 429) headers['retry-after'] = '1';
      res.writeHead(code, headers);
      res.end(body);
      return ms;
    };
    const fail = (code: number, message: string, close = false) => {
      this.metrics.inc('http_errors_total', { code: String(code) });
      send(code, 'application/json', JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message }), close);
    };

    switch (pathname) {
      case '/healthz':
        send(200, 'text/plain', 'ok\n');
        return;
      case '/readyz': {
        const ready = !this.draining && (this.o.ready?.() ?? true);
        send(ready ? 200 : 503, 'text/plain', ready ? 'ok\n' : 'not ready\n');
        return;
      }
      case '/metrics':
        send(200, 'text/plain; version=0.0.4; charset=utf-8', this.metrics.render());
        return;
      case '/validate':
        break;
      default:
        fail(404, `no such path ${pathname} (POST /validate, GET /healthz, /readyz, /metrics)`);
        return;
    }
    if (req.method !== 'POST') {
      fail(405, 'POST an admission.k8s.io/v1 AdmissionReview to /validate');
      return;
    }
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) {
      fail(415, `expected Content-Type application/json (got "${type}")`, true);
      req.resume();
      return;
    }
    const max = this.o.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) {
      // Answer at once; the rest of the body is read and dropped (closing the socket under a
      // client still sending would reset the connection and could lose the answer), then the
      // connection closes. server.requestTimeout bounds a body that never ends.
      fail(413, `request body of ${declared} bytes is over the ${max}-byte limit`, true);
      req.resume();
      return;
    }
    // A burst beyond what memory allows is refused at once (429), before its bodies are held.
    const budget = this.o.maxPendingBytes ?? 4 * max;
    const maxReviews = this.o.maxPendingReviews ?? 64;
    // The body is read and dropped (not held), and the connection stays usable: the client gets
    // the answer whole, however much it is still sending.
    const busy = () => fail(429, `too many reviews at once (over ${maxReviews} reviews or ${budget} bytes of request bodies pending); retry`);
    if ((declared > 0 && this.pending + declared > budget) || this.pendingReviews >= maxReviews) {
      busy();
      req.resume();
      return;
    }
    this.pendingReviews++;
    let counted = true;
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    let held = 0;
    const release = () => {
      this.pending -= held;
      held = 0;
      if (counted) this.pendingReviews--;
      counted = false;
    };
    req.on('close', release);
    const readMs = Math.min(timeoutParam(timeout()) ?? MAX_READ_MS, MAX_READ_MS);
    const timer = setTimeout(() => {
      fail(408, `request body not received within ${readMs} ms`, true);
      req.destroy();
    }, readMs);
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        release();
        clearTimeout(timer);
        fail(413, `request body is over the ${max}-byte limit`, true);
        return;
      }
      if (this.pending + c.length > budget) {
        over = true;
        chunks.length = 0;
        release();
        clearTimeout(timer);
        busy();
        return;
      }
      this.pending += c.length;
      held += c.length;
      chunks.push(c);
    });
    req.on('error', () => clearTimeout(timer));
    req.on('end', () => {
      clearTimeout(timer);
      if (over || res.headersSent) return release();
      const text = Buffer.concat(chunks).toString('utf8');
      chunks.length = 0;
      try {
        this.review(text, send, fail);
      } finally {
        release();
      }
    });
  }

  /**
   * One label object per combination (bounded: operations × admitted kinds × decisions, and rule
   * ids × severities), so that Metrics renders each set once rather than on every review. An
   * unexpected value (an operation string the API server invented) is still counted, only not kept.
   */
  private readonly labelSets = [new Map<string, Record<string, string>>(), new Map<string, Record<string, string>>(), new Map<string, Record<string, string>>()];

  /** `family`: 0 requests_total, 1 denials_total, 2 findings_total. */
  private labels(family: 0 | 1 | 2, key: string, make: () => Record<string, string>): Record<string, string> {
    const sets = this.labelSets[family]!;
    let labels = sets.get(key);
    if (!labels) {
      labels = make();
      if (sets.size < 10_000) sets.set(key, labels);
    }
    return labels;
  }

  private review(text: string, send: (code: number, type: string, body: string) => number, fail: (code: number, message: string) => void): void {
    const parsed = parseReview(text);
    if ('error' in parsed) {
      fail(400, parsed.error);
      return;
    }
    const outcome = this.o.reviewer.review(parsed.request);
    const body = JSON.stringify({ apiVersion: parsed.apiVersion, kind: 'AdmissionReview', response: outcome.response });
    const ms = send(200, 'application/json', body);
    this.metrics.observe(ms / 1000);
    const m = this.metrics;
    m.inc('requests_total', this.labels(0, `${outcome.operation}\u0000${outcome.kind}\u0000${outcome.decision}`, () => ({ operation: outcome.operation, kind: outcome.kind, decision: outcome.decision })));
    for (const rule of outcome.deniedBy) m.inc('denials_total', this.labels(1, rule, () => ({ rule })));
    for (const f of outcome.findings) m.inc('findings_total', this.labels(2, `${f.ruleId}\u0000${f.severity}`, () => ({ rule: f.ruleId, severity: f.severity })));
    if (outcome.decision === 'denied' || outcome.decision === 'error') {
      const r = parsed.request;
      this.o.log({
        level: outcome.decision === 'error' ? 'warn' : 'info',
        msg: outcome.decision === 'denied' ? 'denied' : 'could not evaluate',
        uid: r.uid,
        operation: r.operation,
        kind: r.kind.kind,
        namespace: r.namespace,
        name: r.name,
        dryRun: r.dryRun === true,
        rules: outcome.deniedBy,
        ms: Number(ms.toFixed(3)),
        ...(outcome.decision === 'error' ? { message: outcome.response.status?.message ?? outcome.response.warnings?.[0] } : {}),
      });
    }
  }
}
