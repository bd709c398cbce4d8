// GET requests to the Kubernetes API with the credentials of a kubeconfig context. client-node
// supplies TLS material and the Authorization header (re-applied per request: exec plugins and
// token files rotate); the requests themselves are plain node:https on one keep-alive agent, so
// that listing tens of thousands of objects costs one JSON.parse per page and nothing more.
// Retries with backoff on 429, 5xx and dropped connections; one timeout per request.

import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { ClusterConfig } from './kubeconfig.js';
import { AigisError } from '../../util/errors.js';

export interface ApiClientOptions {
  /** Per request, in milliseconds. */
  timeoutMs: number;
  /** Retries after the first attempt (429, 5xx, resets, timeouts). */
  retries: number;
  /** Most connections open at once. */
  maxSockets: number;
  /** First backoff delay in milliseconds (doubled per retry, with jitter; tests shorten it). */
  backoffMs?: number;
}

export const DEFAULT_CLIENT_OPTIONS: ApiClientOptions = { timeoutMs: 30_000, retries: 4, maxSockets: 8, backoffMs: 250 };

/** A non-2xx answer from the API server, with the message of its Status body. */
export class ApiStatusError extends AigisError {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

/** The credentials of the context cannot be had (an exec plugin fails, a token file is missing). */
export class CredentialsError extends AigisError {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

/** The server could not be reached, or TLS failed: nothing further will work. */
export class UnreachableError extends AigisError {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
// Errors after which the same request may well succeed; refused connections, DNS failures and
// TLS errors will not get better by asking again.
// A gzip stream cut short is a dropped connection too.
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'AIGIS_TIMEOUT', 'Z_BUF_ERROR', 'Z_DATA_ERROR']);
const MAX_RETRY_AFTER_MS = 10_000;

type Query = Record<string, string | number | undefined>;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class ApiClient {
  readonly server: URL;
  private agent?: http.Agent;
  /** Requests sent, retries included. */
  requests = 0;

  constructor(
    readonly config: ClusterConfig,
    readonly options: ApiClientOptions = DEFAULT_CLIENT_OPTIONS,
  ) {
    this.server = new URL(config.server);
  }

  /** GET `path` (with `query`) and parse the JSON answer. */
  async get(path: string, query: Query = {}): Promise<unknown> {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    let attempt = 0;
    for (;;) {
      let answer: Answer | undefined;
      let error: (Error & { code?: string }) | undefined;
      try {
        answer = await this.send(url);
      } catch (err) {
        if (err instanceof AigisError) throw err;
        error = err as Error & { code?: string };
      }
      if (answer && answer.status >= 200 && answer.status < 300) {
        const value = parseJson(answer);
        if (value !== NOT_JSON) return value;
        // A page cut short (by a proxy, or a server that gave up half-way): ask again.
        if (attempt < this.options.retries) {
          await sleep(this.delay(attempt));
          attempt++;
          continue;
        }
        throw new AigisError(`the API server answered ${path} with something that is not JSON (a page cut short?)`);
      }
      const retryable = answer ? RETRY_STATUS.has(answer.status) : RETRY_CODES.has(error?.code ?? '');
      if (retryable && attempt < this.options.retries) {
        await sleep(this.delay(attempt, answer));
        attempt++;
        continue;
      }
      if (answer) throw statusError(answer, path, this.config.context);
      throw this.unreachable(error!);
    }
  }

  close(): void {
    this.agent?.destroy();
  }

  private delay(attempt: number, answer?: Answer): number {
    const after = answer?.headers['retry-after'];
    if (after !== undefined && /^\d+$/.test(String(after))) return Math.min(Number(after) * 1000, MAX_RETRY_AFTER_MS);
    const base = (this.options.backoffMs ?? 250) * 2 ** attempt;
    return Math.min(base / 2 + Math.random() * base, 5_000);
  }

  private unreachable(err: Error & { code?: string }): UnreachableError {
    const where = `${this.config.server} (context ${this.config.context})`;
    const code = err.code ?? '';
    if (code === 'AIGIS_TIMEOUT') return new UnreachableError(`the API server at ${where} did not answer within ${this.options.timeoutMs / 1000}s`);
    if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|HOSTNAME/.test(code)) return new UnreachableError(`TLS with the API server at ${where} failed: ${err.message}`);
    return new UnreachableError(`cannot reach the API server at ${where}: ${err.message}`);
  }

  private async send(url: URL): Promise<Answer> {
    this.requests++;
    const opts: https.RequestOptions = { headers: {} };
    try {
      await this.config.kc.applyToHTTPSOptions(opts);
    } catch (err) {
      // An exec plugin that is missing or fails, a token file that cannot be read.
      throw new CredentialsError(`cannot get the credentials of context ${this.config.context}: ${(err as Error).message.split('\n')[0]}`);
    }
    const agent = this.agentFor(opts);
    const headers: http.OutgoingHttpHeaders = { ...(opts.headers as http.OutgoingHttpHeaders), accept: 'application/json', 'accept-encoding': 'gzip', 'user-agent': 'aigis' };
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise<Answer>((resolve, reject) => {
      const req = mod.request(url, { method: 'GET', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        res.on('end', () => {
          clearTimeout(timer);
          let body = Buffer.concat(chunks);
          if (res.headers['content-encoding'] === 'gzip') {
            try {
              body = zlib.gunzipSync(body);
            } catch (err) {
              reject(err);
              return;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('request timed out'), { code: 'AIGIS_TIMEOUT' })), this.options.timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end();
    });
  }

  /** One keep-alive agent with the context's TLS material (or client-node's, for proxies). */
  private agentFor(opts: https.RequestOptions): http.Agent {
    if (this.agent) return this.agent;
    const cluster = this.config.kc.getCurrentCluster();
    if (cluster?.proxyUrl || this.server.protocol === 'http:') {
      this.agent = opts.agent as http.Agent;
      return this.agent;
    }
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: this.options.maxSockets,
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      pfx: opts.pfx,
      passphrase: opts.passphrase,
      servername: opts.servername,
      ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    });
    return this.agent;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const NOT_JSON = Symbol('not JSON');

function parseJson(answer: Answer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

function statusError(answer: Answer, path: string, context: string): ApiStatusError {
  let message = '';
  let reason = '';
  try {
    const s = JSON.parse(answer.body.toString('utf8')) as { message?: unknown; reason?: unknown };
    if (typeof s.message === 'string') message = s.message;
    if (typeof s.reason === 'string') reason = s.reason;
  } catch {
    message = answer.body.toString('utf8').slice(0, 200).trim();
  }
  const text = `${answer.status} ${http.STATUS_CODES[answer.status] ?? ''}`.trim();
  if (answer.status === 401) {
    return new ApiStatusError(401, path, reason, `the API server rejected the credentials of context ${context} (${text}${message ? `: ${message}` : ''})`);
  }
  return new ApiStatusError(answer.status, path, reason, `GET ${path}: ${text}${message ? `: ${message}` : ''}`);
}
