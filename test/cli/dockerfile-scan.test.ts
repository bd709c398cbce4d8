// `aigis scan` over Dockerfiles with the built CLI: one run over a folder of Dockerfiles and
// manifests gives one report, one summary and one exit code; secrets are masked in text and
// JSON; standard input with --stdin-type dockerfile; bad input is a finding, never a crash.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aigis } from '../helpers/cli.js';

function tmpdir(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-dockerfile-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const TOKEN = 'hf_abcdefghijklmnopqrstuvwxyz0123456789';

const DOCKERFILE = `FROM vllm/vllm-openai:v0.8.5
ENV HF_TOKEN=${TOKEN}
USER 10001
ENTRYPOINT ["vllm", "serve", "Qwen/Qwen2.5-0.5B"]
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

describe('aigis scan with Dockerfiles', () => {
  it('reports Dockerfiles and manifests of one folder in one run, one summary, one exit code', () => {
    const dir = tmpdir({ 'Dockerfile': DOCKERFILE, 'deploy/pod.yaml': POD, 'images/serve.Dockerfile': 'FROM python\n' });
    const rules = ['--rule', 'dockerfile-secret-in-env', '--rule', 'privileged-container', '--rule', 'dockerfile-base-mutable-tag'];
    const r = aigis(['scan', '.', ...rules, '-f', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.summary.files).toBe(3);
    const where = json.findings.map((f: { ruleId: string; location: { file: string; line: number; column: number } }) => `${f.location.file}:${f.location.line}:${f.location.column} ${f.ruleId}`);
    expect(where.sort()).toEqual([
      'Dockerfile:2:5 dockerfile-secret-in-env',
      'deploy/pod.yaml:10:9 privileged-container',
      'images/serve.Dockerfile:1:6 dockerfile-base-mutable-tag',
    ]);
    // Text: both files, one summary line at the end.
    const text = aigis(['scan', '.', ...rules], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Dockerfile\n');
    expect(text.stdout).toContain('deploy/pod.yaml\n');
    expect(text.stdout.trimEnd().split('\n').filter((l) => /finding/.test(l) && /file/.test(l))).toHaveLength(1);
    expect(text.stdout.trimEnd().split('\n').pop()).toMatch(/3 findings .*3 files/);
  });

  it('masks the token of ENV HF_TOKEN in text and JSON output', () => {
    const dir = tmpdir({ 'Dockerfile': DOCKERFILE });
    for (const format of ['text', 'json']) {
      const r = aigis(['scan', 'Dockerfile', '--rule', 'dockerfile-secret-in-env', '-f', format], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain(TOKEN);
      expect(r.stdout).not.toContain(TOKEN.slice(5, 20));
      expect(r.stdout).toContain('hf_ab…');
    }
    const json = JSON.parse(aigis(['scan', 'Dockerfile', '--rule', 'dockerfile-secret-in-env', '-f', 'json'], { cwd: dir }).stdout);
    expect(json.findings[0]).toMatchObject({ ruleId: 'dockerfile-secret-in-env', severity: 'critical', location: { line: 2, column: 5 } });
  });

  it('reads a Dockerfile from standard input with --stdin-type dockerfile', () => {
    const r = aigis(['scan', '-', '--stdin-type', 'dockerfile', '--rule', 'dockerfile-root-user', '-f', 'json'], { input: 'FROM python:3.12-slim\nUSER root\n' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ ruleId: 'dockerfile-root-user', location: { file: '-', line: 2, column: 1 } });
  });

  it('turns unreadable Dockerfiles into findings with a position, and goes on', () => {
    const dir = tmpdir({
      'bin/Dockerfile': Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x00, 0xff, 0x10]),
      'heredoc/Dockerfile': 'FROM ubuntu:24.04\nRUN <<EOF\necho never closed\n',
      'typo/Dockerfile': 'FROM ubuntu:24.04\nRUNN echo hi\n',
      'ok/Dockerfile': 'FROM ubuntu:24.04\nUSER root\n',
    });
    const r = aigis(['scan', '.', '--rule', 'dockerfile-parse-error', '--rule', 'dockerfile-root-user', '-f', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    const where = json.findings.map((f: { ruleId: string; location: { file: string; line: number; column: number } }) => `${f.location.file}:${f.location.line}:${f.location.column} ${f.ruleId}`);
    expect(where.sort()).toEqual([
      'bin/Dockerfile:1:1 dockerfile-parse-error',
      'heredoc/Dockerfile:1:1 dockerfile-root-user',
      'heredoc/Dockerfile:2:5 dockerfile-parse-error',
      'ok/Dockerfile:2:1 dockerfile-root-user',
      'typo/Dockerfile:1:1 dockerfile-root-user',
      'typo/Dockerfile:2:1 dockerfile-parse-error',
    ]);
  });

  it('honours # aigis-ignore comments and reports one without a reason', () => {
    const dir = tmpdir({
      Dockerfile: [
        'FROM python:3.12-slim',
        '# aigis-ignore dockerfile-sudo the vendor installer needs it, removed in #42',
        'RUN sudo ./install.sh',
        'RUN sudo apt-get purge -y sudo',
        '# aigis-ignore dockerfile-root-user',
        'USER root',
        '',
      ].join('\n'),
    });
    const r = aigis(['scan', 'Dockerfile', '--rule', 'dockerfile-sudo', '--rule', 'dockerfile-root-user', '--rule', 'suppression-without-reason', '-f', 'json'], { cwd: dir });
    const json = JSON.parse(r.stdout);
    const shown = json.findings.map((f: { ruleId: string; location: { line: number }; suppression?: { justification: string } }) => `${f.location.line} ${f.ruleId}${f.suppression ? ` (suppressed: ${f.suppression.justification})` : ''}`);
    expect(shown.sort()).toEqual([
      '3 dockerfile-sudo (suppressed: the vendor installer needs it, removed in #42)',
      '4 dockerfile-sudo',
      '5 suppression-without-reason',
      '6 dockerfile-root-user (suppressed: (no reason given))',
    ]);
    expect(r.code).toBe(1);
  });
});
