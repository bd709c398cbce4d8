// aigis webhook as a process: flags, start-up errors, --workers (one port, metrics added up
// across processes), and a clean exit on SIGTERM.

import { spawn } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/rules/paths.js';
import { aigis } from '../helpers/cli.js';
import { issueCert, makeCa, type TestCa, type TestCert } from '../helpers/tls.js';
import { admissionReview, request } from './admission.js';

let ca: TestCa;
let cert: TestCert;

beforeAll(() => {
  ca = makeCa();
  cert = issueCert(ca);
});

/** Start `aigis webhook ARGS`; resolves once it logs `listening`. */
async function serve(args: string[]) {
  const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'aigis.js'), 'webhook', '--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--host', '127.0.0.1', '--port', '0', '--shutdown-delay', '0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const entries: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let buffered = '';
  child.stderr.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const e = JSON.parse(line) as Record<string, unknown>;
        entries.push(e);
        if (e.msg === 'listening') resolve(e.port as number);
      }
    });
    void exited.then((code) => reject(new Error(`webhook exited ${code}: ${JSON.stringify(entries)}`)));
  });
  return { child, port, entries, exited };
}

const pod = (privileged: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'apps' },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', securityContext: privileged ? { privileged: true } : { runAsNonRoot: true } }] },
});

describe('aigis webhook (process)', () => {
  it('needs its certificate and key, and says so in one line', () => {
    const none = aigis(['webhook']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('aigis: webhook needs --tls-cert and --tls-key (the API server only calls webhooks over HTTPS)\n');
    const missing = aigis(['webhook', '--tls-cert', '/nonexistent/tls.crt', '--tls-key', cert.keyFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('aigis: /nonexistent/tls.crt: cannot read the TLS certificate: ENOENT\n');
    const mismatched = aigis(['webhook', '--tls-cert', cert.certFile, '--tls-key', issueCert(ca).keyFile, '--port', '0']);
    expect(mismatched.code).toBe(2);
    expect(mismatched.stderr).toMatch(/^aigis: \S+\.crt: the TLS certificate and key do not make a usable pair: /);
    expect(aigis(['webhook', '--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--mode', 'audit']).stderr).toBe('aigis: --mode must be enforce or warn (got "audit")\n');
  });

  it('serves from several workers on one port, counts for all of them, and stops on SIGTERM', async () => {
    const s = await serve(['--workers', '2']);
    try {
      expect(s.entries.filter((e) => e.msg === 'worker listening').length).toBe(2);
      const agent = new https.Agent({ ca: ca.ca, keepAlive: false });
      const url = `https://127.0.0.1:${s.port}`;
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => request(`${url}/validate`, { body: JSON.stringify(admissionReview({ object: pod(i % 2 === 0) })), agent })));
      expect(answers.map((a) => a.json().response.allowed)).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 !== 0));
      // Both workers answered (new connections go round-robin), and after a sync every
      // worker's /metrics counts all 20.
      expect(new Set(s.entries.filter((e) => e.msg === 'denied').map((e) => e.worker)).size).toBe(2);
      await new Promise((r) => setTimeout(r, 2500));
      for (let i = 0; i < 4; i++) {
        const m = (await request(`${url}/metrics`, { method: 'GET', agent })).body;
        const total = [...m.matchAll(/^aigis_webhook_requests_total\{[^}]*\} (\d+)$/gm)].reduce((n, x) => n + Number(x[1]), 0);
        expect(total).toBe(20);
      }
      agent.destroy();
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
    expect(s.entries.filter((e) => e.msg === 'stopped').length).toBe(3);
  });
});
