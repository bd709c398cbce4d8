// Secrets stay secret. One test feeds every rule that can see a secret value — env literals
// (AI tokens, passwords, token-shaped values) in plain and Helm-rendered manifests, keys on the
// command line, Dockerfile ARG/ENV/RUN/CMD (and a token pasted on a line of its own), an image's
// configuration env, command and files, and an object in a live cluster — and asserts that no raw
// value appears anywhere aigis writes: every report format on standard output and in --output
// files, the baseline file, standard error, aigis sbom, aigis audit, and every webhook answer,
// warning, audit annotation, log line and metric. A masked value keeps at most 5 characters.

import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Reviewer } from '../../src/webhook/review.js';
import { WebhookServer } from '../../src/webhook/server.js';
import { aigis } from '../helpers/cli.js';
import { aigisAsync } from '../helpers/cli-async.js';
import { ociArchive, tarOf } from '../helpers/oci.js';
import { testCatalogue } from '../helpers/scan.js';
import { issueCert, makeCa } from '../helpers/tls.js';
import { FakeApiServer, writeKubeconfig } from '../cluster/fake-api-server.js';
import { admissionReview, request } from '../webhook/admission.js';

const S = {
  envAiToken: 'hf_EnvLiteralAbCdEfGhIjKlMnOpQrStUv',
  envPassword: 'Pa55w0rd-Env-Literal-9f3b2c',
  envShaped: 'sk-proj-EnvShapedAbCdEfGhIjKlMnOpQr',
  cliKey: 'sk-CliArgAbCdEfGhIjKlMnOpQrSt0123',
  cliRedis: 'RedisRequirePass-5d8e7f1a',
  helmToken: 'hf_HelmRenderedAbCdEfGhIjKlMnOpQrSt',
  dfArg: 'hf_DockerfileArgAbCdEfGhIjKlMnOpQr',
  dfEnv: 'sk-DockerfileEnvAbCdEfGhIjKlMnOpQr',
  dfRun: 'ghp_DockerfileRunAbCdEfGhIjKlMnOpQrSt01',
  dfCmd: 'sk-DockerfileCmdAbCdEfGhIjKlMnOpQr',
  dfBare: 'hf_DockerfileBareLineAbCdEfGhIjKlMn',
  imgEnv: 'hf_ImageConfigEnvAbCdEfGhIjKlMnOpQr',
  imgPassword: 'ImagePassw0rd-7c1d-4e2a',
  imgFile: 'sk-ImageFileTokenAbCdEfGhIjKlMnOpQr',
  imgCmd: 'sk-ImageCmdAbCdEfGhIjKlMnOpQrSt012',
  cluster: 'hf_ClusterObjectAbCdEfGhIjKlMnOpQrS',
};

/** Where a secret shows: its raw value, or enough of it (anything past a 5-character mask). */
function leaks(text: string): string[] {
  return Object.entries(S)
    .filter(([, v]) => text.includes(v) || text.includes(v.slice(6)) || text.includes(JSON.stringify(v).slice(1, -1)))
    .map(([k]) => k);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-secrets-'));
const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of closers) await c();
  fs.rmSync(dir, { recursive: true, force: true });
});

function deployment(name: string, token: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ml' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'vllm',
              image: 'vllm/vllm-openai:v0.6.3',
              args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--api-key', S.cliKey],
              env: [
                { name: 'HF_TOKEN', value: token },
                { name: 'DB_PASSWORD', value: S.envPassword },
                { name: 'LLM_SETTINGS', value: S.envShaped },
              ],
            },
            { name: 'cache', image: 'redis:7.2.4', command: ['redis-server', '--requirepass', S.cliRedis] },
          ],
        },
      },
    },
  };
}

describe('secrets stay secret', () => {
  it('no raw secret value in any output, log line, file or webhook answer', async () => {
    // --- inputs -------------------------------------------------------------------------------
    fs.writeFileSync(path.join(dir, 'deployment.yaml'), JSON.stringify(deployment('llm', S.envAiToken), null, 2));
    fs.writeFileSync(
      path.join(dir, 'rendered.yaml'),
      `---\n# Source: llm/templates/deployment.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: rendered\nspec:\n  containers:\n    - name: app\n      image: ollama/ollama:0.6.5\n      env:\n        - name: HUGGING_FACE_HUB_TOKEN\n          value: "${S.helmToken}"\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      `FROM python:3.12-slim\nARG HF_TOKEN=${S.dfArg}\nENV OPENAI_API_KEY=${S.dfEnv}\nRUN curl -H "Authorization: Bearer ${S.dfRun}" https://example.com/setup.sh | sh\n${S.dfBare}\nCMD ["python", "-m", "vllm.entrypoints.openai.api_server", "--api-key", "${S.dfCmd}"]\n`,
    );
    const layer = zlib.gzipSync(await tarOf([{ name: 'app/config.py', content: `import os\nOPENAI_API_KEY = "${S.imgFile}"\n` }, { name: 'app/.env', content: `HF_TOKEN=${S.imgEnv}\n` }]));
    fs.writeFileSync(
      path.join(dir, 'image.tar'),
      await ociArchive([{ bytes: layer }], { Env: [`HF_TOKEN=${S.imgEnv}`, `DB_PASSWORD=${S.imgPassword}`, 'PATH=/usr/bin'], Cmd: ['vllm', 'serve', '--api-key', S.imgCmd] }),
    );
    const inputs = ['deployment.yaml', 'rendered.yaml', 'Dockerfile', 'image.tar'];

    // --- aigis scan: every format, to stdout and to files, a baseline, stderr -----------------
    const outputs: Record<string, string> = {};
    const ruleIds = new Set<string>();
    for (const format of ['text', 'json', 'sarif', 'junit', 'github']) {
      const r = aigis(['scan', ...inputs, '--format', format, '--format', format, '--output', `out.${format}`], { cwd: dir });
      expect(r.code).toBe(1);
      outputs[`stdout ${format}`] = r.stdout;
      outputs[`stderr ${format}`] = r.stderr;
      outputs[`--output ${format}`] = fs.readFileSync(path.join(dir, `out.${format}`), 'utf8');
      if (format === 'json') for (const f of JSON.parse(r.stdout).findings as Array<{ ruleId: string }>) ruleIds.add(f.ruleId);
    }
    // An input error on stderr next to the secrets (the file named by a token does not exist).
    const withError = aigis(['scan', ...inputs, `missing-${S.dfArg.slice(0, 8)}.yaml`, '--write-baseline', 'baseline.json'], { cwd: dir });
    expect(withError.code).toBe(2);
    outputs['stderr with an input error'] = withError.stderr;
    outputs['baseline file'] = fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8');
    outputs['aigis sbom'] = aigis(['sbom', 'image.tar'], { cwd: dir }).stdout;

    // The rules that see secret values all ran and reported (else this test would prove little).
    for (const id of ['secret-in-env-literal', 'ai-token-in-plain-env', 'api-key-on-command-line', 'dockerfile-secret-in-env', 'dockerfile-parse-error', 'image-secret-in-env', 'image-token-in-file']) expect(ruleIds, id).toContain(id);

    // --- aigis audit: a secret in a live cluster's object ------------------------------------
    const ca = makeCa();
    const cert = issueCert(ca);
    const api = await FakeApiServer.start({ cert: cert.cert, key: cert.key, token: 'secret-test-token-0123456789', objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' } }, deployment('in-cluster', S.cluster)] });
    closers.push(() => api.close());
    const kubeconfig = writeKubeconfig(path.join(dir, 'kubeconfig'), { server: api.url, ca: ca.ca, token: 'secret-test-token-0123456789' });
    for (const format of ['text', 'json', 'sarif']) {
      const r = await aigisAsync(['audit', '--kubeconfig', kubeconfig, '--format', format], { cwd: dir });
      expect(r.code).toBe(1);
      outputs[`audit ${format}`] = r.stdout + r.stderr;
    }
    expect(outputs['audit json']).toContain('ai-token-in-plain-env');

    // --- the webhook: answers, warnings, audit annotations, logs, metrics --------------------
    const logs: string[] = [];
    const catalogue = await testCatalogue();
    const agent = new https.Agent({ ca: ca.ca, keepAlive: true });
    closers.push(() => agent.destroy());
    for (const mode of ['enforce', 'warn'] as const) {
      const reviewer = new Reviewer({ catalogue, mode, failOn: 'high', warnOn: 'info', allowInlineSuppressions: false, denyExisting: false, clusterName: 'admission', maxWarnings: 100 });
      const server = await WebhookServer.start({ host: '127.0.0.1', port: 0, tlsCert: cert.certFile, tlsKey: cert.keyFile, reloadIntervalMs: 60_000, maxBodyBytes: 1 << 20, reviewer, log: (e) => logs.push(JSON.stringify(e)) });
      closers.push(() => server.close());
      const url = `https://127.0.0.1:${server.port}`;
      const object = deployment('admitted', S.envAiToken);
      const created = await request(`${url}/validate?timeout=10s`, { body: JSON.stringify(admissionReview({ object })), agent });
      const updated = await request(`${url}/validate?timeout=10s`, { body: JSON.stringify(admissionReview({ operation: 'UPDATE', object: deployment('admitted', S.cluster), oldObject: object })), agent });
      // The object is not an object: an error answer, whose message must not echo the request.
      const broken = admissionReview({ object });
      (broken.request as Record<string, unknown>).object = S.helmToken;
      const failed = await request(`${url}/validate?timeout=10s`, { body: JSON.stringify(broken), agent });
      const metrics = await request(`${url}/metrics`, { method: 'GET', agent });
      outputs[`webhook ${mode}`] = [created.body, updated.body, failed.body, metrics.body].join('\n');
      const answer = JSON.parse(created.body).response as { allowed: boolean; warnings?: string[] };
      expect(answer.allowed).toBe(mode === 'warn');
      expect(answer.warnings?.some((w) => w.includes('ai-token-in-plain-env'))).toBe(true);
    }
    outputs['webhook logs'] = logs.join('\n');

    // --- nothing leaked, and the masks are there ---------------------------------------------
    const leaked = Object.entries(outputs).flatMap(([where, text]) => leaks(text).map((k) => `${k} in ${where}`));
    expect(leaked).toEqual([]);
    expect(outputs['stdout text']).toContain('hf_En…');
    expect(outputs['stderr with an input error']).toContain('no such file or directory');
  }, 120_000);
});
