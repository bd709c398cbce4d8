// secret-in-env-literal reports secrets without printing them: the raw values must appear in no
// output format, on stdout or in an --output file, whatever other rules say about the same object.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aigis } from '../../helpers/cli.js';

const HF = 'hf_FAKEexampleTOKENforAIGIStests0000';
const PASSWORD = 's3cr3t-Passw0rd!';
const NGC = 'nvapi-EXAMPLEexampleEXAMPLE1234567890';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: tgi
spec:
  template:
    spec:
      containers:
        - name: tgi
          image: ghcr.io/huggingface/text-generation-inference:latest
          args: ["--model-id", "meta-llama/Llama-3.1-8B-Instruct"]
          env:
            - name: HF_TOKEN
              value: ${HF}
            - name: POSTGRES_PASSWORD
              value: "${PASSWORD}"
---
apiVersion: apps.nvidia.com/v1alpha1
kind: NIMService
metadata:
  name: llama3-8b
spec:
  image: { repository: nvcr.io/nim/meta/llama3-8b-instruct, tag: "1.0.3" }
  authSecret: ngc-api-secret
  env:
    - { name: NGC_API_KEY, value: ${NGC} }
`;

function workdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-mask-'));
  fs.writeFileSync(path.join(dir, 'llm.yaml'), MANIFESTS);
  return dir;
}

function expectNoRawSecret(text: string): void {
  for (const raw of [HF, PASSWORD, NGC]) expect(text).not.toContain(raw);
  // Nor any long-enough piece of one (a truncation that kept most of it).
  for (const raw of [HF, PASSWORD, NGC]) expect(text).not.toContain(raw.slice(0, raw.length - 4));
}

describe('secret-in-env-literal masking', () => {
  it('shows each literal secret masked in its message', () => {
    const r = aigis(['scan', 'llm.yaml', '--format', 'text', '--rule', 'secret-in-env-literal'], { cwd: workdir() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('sets HF_TOKEN to a literal secret (hf_FA…)');
    expect(r.stdout).toContain('sets POSTGRES_PASSWORD to a literal secret (s3cr…)');
    expect(r.stdout).toContain('sets NGC_API_KEY to a literal secret (nvapi…)');
    expectNoRawSecret(r.stdout + r.stderr);

    const json = aigis(['scan', 'llm.yaml', '--format', 'json', '--rule', 'secret-in-env-literal'], { cwd: workdir() });
    const report = JSON.parse(json.stdout) as { findings: Array<{ ruleId: string; message: string }> };
    expect(report.findings.map((f) => f.ruleId)).toEqual(['secret-in-env-literal', 'secret-in-env-literal', 'secret-in-env-literal']);
    expectNoRawSecret(json.stdout + json.stderr);
  });

  it('never prints a raw value in text or JSON, on stdout or in --output files, with every rule on', () => {
    const dir = workdir();
    for (const format of ['text', 'json']) {
      const r = aigis(['scan', 'llm.yaml', '--format', format], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/hf_FA…/);
      expectNoRawSecret(r.stdout + r.stderr);
    }
    const out = aigis(['scan', 'llm.yaml', '--format', 'json', '--output', 'report.json', '--format', 'text', '--output', 'report.txt'], { cwd: dir });
    expect(out.code).toBe(1);
    expectNoRawSecret(fs.readFileSync(path.join(dir, 'report.json'), 'utf8') + fs.readFileSync(path.join(dir, 'report.txt'), 'utf8') + out.stdout + out.stderr);
  });
});
