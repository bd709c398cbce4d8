// Property tests of the Dockerfile loader and the rules after it on hostile bytes: generated
// Dockerfiles (stages, continuations, here-documents, JSON and shell forms, variables, escape
// directives, secrets in ENV/ARG) damaged by truncation, random bytes, invalid UTF-8, NUL,
// BOMs, mixed line endings, deep nesting and huge words. Whatever the bytes: the loader returns
// within a time bound, says something (subjects or problems, each problem at a position inside
// the file), the engine evaluates it, and a parse problem fails the run.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFailing, maskSecrets } from '../../src/cli/output.js';
import { isSecretLike } from '../../src/rules/message.js';
import { evaluateLoaded } from '../../src/engine/scan.js';
import { loadDockerfileBytes, type DockerfileLoadResult } from '../../src/loaders/dockerfile/index.js';
import { testCatalogue } from '../helpers/scan.js';
import { applyDamage, damage } from './arbitraries.js';
import { fuzz, timed } from './bounds.js';

const SOURCE = { kind: 'file' as const, path: 'Dockerfile' };
const LOAD_MS = 5000;
const EVALUATE_MS = 5000;

const word = fc.oneof(
  fc.constantFrom('ubuntu:22.04', 'python:3.11-slim@sha256:' + 'b'.repeat(64), 'scratch', 'base', '$BASE', '${IMG:-nvidia/cuda:12.4.1-runtime-ubuntu22.04}', 'ollama/ollama', 'vllm/vllm-openai:latest', '--platform=$BUILDPLATFORM', 'AS', 'as', 'build', '--from=build', '--from=0', '--from=9', '--chmod=777', '--chown=0:0', '--mount=type=secret,id=hf', '--link', '/', '.', '/app', '*.pt', 'model.bin', '.env', 'id_rsa', 'https://x.y/z.sh', 'git@github.com:x/y.git'),
  fc.constantFrom('HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'OPENAI_API_KEY=sk-' + 'z'.repeat(48), 'PASSWORD=hunter2hunter2', 'PATH=/x:$PATH', 'A="b c"', "B='$C'", 'D=${E:?boom}', 'F=${G/x/y}', 'OLLAMA_HOST=0.0.0.0'),
  fc.constantFrom('curl -fsSL https://x.y/i.sh | sh', 'pip install --trust-remote-code x', 'apt-get install -y x', 'echo $(cat /run/secrets/hf)', 'chmod 777 /app', 'useradd -u 0 x', 'ollama serve', 'python -m vllm.entrypoints.openai.api_server --api-key sk-' + 'q'.repeat(40), 'jupyter lab --NotebookApp.token=', 'if [ -f x ]; then y; fi', 'a && b || c; d &', 'x=$((1+2))', 'cat <<EOF > f', "'unterminated", '"unterminated', '$(', '`', '((', '{ a; }'),
  fc.string({ maxLength: 8 }),
);

const instruction = fc.tuple(
  fc.constantFrom('FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'USER', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'WORKDIR', 'LABEL', 'VOLUME', 'STOPSIGNAL', 'MAINTAINER', 'from', 'Run', 'BOGUS', '#', '# syntax=docker/dockerfile:1', '# escape=`', '# aigis-ignore dockerfile-root-user reason', ''),
  fc.array(word, { maxLength: 5 }),
  fc.constantFrom('plain', 'json', 'continued', 'heredoc', 'badjson'),
).map(([kw, words, form]) => {
  switch (form) {
    case 'json':
      return `${kw} ${JSON.stringify(words)}`;
    case 'badjson':
      return `${kw} ["${words.join('", ')}`;
    case 'continued':
      return `${kw} ${words.join(' \\\n    ')}`;
    case 'heredoc':
      return `${kw} <<EOF\n${words.join('\n')}\n${words.length % 2 ? 'EOF' : ''}`;
    default:
      return `${kw} ${words.join(' ')}`;
  }
});

const dockerfile = fc.array(instruction, { minLength: 0, maxLength: 14 }).map((lines) => `${lines.join('\n')}\n`);

async function checkDockerfile(bytes: Buffer): Promise<void> {
  const tables = (await testCatalogue()).tables;
  const { value: r, ms } = await timed(() => loadDockerfileBytes(bytes, SOURCE, tables));
  expect(ms, `loading ${bytes.length} bytes took ${ms.toFixed(0)} ms`).toBeLessThan(LOAD_MS);
  checkLoad(bytes, r);
  const { value: result, ms: evalMs } = await timed(async () =>
    evaluateLoaded(
      { documents: [], subjects: r.subjects, problems: r.problems, secrets: new Set(r.secrets), stats: { files: 1, objects: 0, subjects: 0, skipped: 0, failed: 0 }, errors: [] },
      { catalogue: await testCatalogue() },
    ),
  );
  expect(evalMs).toBeLessThan(EVALUATE_MS);
  if (r.problems.some((p) => p.code === 'dockerfile-parse-error')) expect(isFailing(result, 'high')).toBe(true);
  for (const f of result.findings) {
    expect(f.location.file).toBe('Dockerfile');
    // Every output masks the run's secrets (output.ts): what would be printed holds none.
    const shown = maskSecrets(f.message, result.secrets);
    for (const s of r.secrets) if (isSecretLike(s)) expect(shown).not.toContain(s);
  }
}

function checkLoad(bytes: Buffer, r: DockerfileLoadResult): void {
  expect(r.subjects.length + r.problems.length, 'the loader said nothing about the file').toBeGreaterThan(0);
  let lines = 1;
  for (const b of bytes) if (b === 0x0a) lines++;
  for (const p of r.problems) {
    expect(p.position, `problem without a position: ${p.message}`).toBeDefined();
    expect(p.position!.line).toBeGreaterThanOrEqual(1);
    expect(p.position!.column).toBeGreaterThanOrEqual(1);
    // CR and CRLF end lines too in a Dockerfile (each counts once).
    expect(p.position!.line).toBeLessThanOrEqual(lines + bytes.filter((b) => b === 0x0d).length);
  }
  for (const s of r.subjects) {
    for (const pointer of ['', '/runs/0/commands/0/argv/0', '/env/0/value', '/from/image', '/copies/3/sources/1', '/x/y']) {
      const l = s.locate(pointer);
      expect(l.file).toBe('Dockerfile');
      if (l.position) expect(l.position.line).toBeGreaterThanOrEqual(1);
    }
  }
}

describe('Dockerfile loader on hostile bytes', () => {
  it('generated Dockerfiles, damaged: returns in time, locates every problem, fails closed, masks secrets', async () => {
    await fc.assert(
      fc.asyncProperty(dockerfile, fc.oneof(fc.constant([] as Array<[number, number, number]>), damage), async (text, ops) => {
        await checkDockerfile(applyDamage(Buffer.from(text), ops));
      }),
      fuzz(150),
    );
  }, 240_000);

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (raw) => {
        await checkDockerfile(Buffer.from(raw));
      }),
      fuzz(150),
    );
  }, 120_000);

  it('regression: RUN echo followed by 200,000 `[` is read in linear time', async () => {
    // The pattern `\[[^\]]*trusted=yes[^\]]*\]` of dockerfile-unsigned-packages backtracked over
    // every `[`: 30 s for 200 kB, minutes for a megabyte.
    const { ms } = await timed(() => checkDockerfile(Buffer.from(`FROM alpine\nRUN echo ${'['.repeat(200_000)}\n`)));
    expect(ms).toBeLessThan(LOAD_MS + EVALUATE_MS);
  }, 30_000);

  it('regression: RUN with 400,000 words after `--` is read, not a stack overflow', async () => {
    // The words after `--` were spread into push(...): past ~120,000 that threw RangeError, an
    // "internal error" with no position.
    await checkDockerfile(Buffer.from(`FROM alpine\nRUN pip install --${' x'.repeat(400_000)}\n`));
  }, 30_000);

  it('regression: a COPY source of 300,000 slashes is read in linear time', async () => {
    // `/\/+$/` retried the run of slashes from each of its positions: 300 kB took minutes.
    const { ms } = await timed(() => checkDockerfile(Buffer.from(`FROM alpine\nCOPY ${'/'.repeat(300_000)}x /dst\n`)));
    expect(ms).toBeLessThan(LOAD_MS + EVALUATE_MS);
  }, 30_000);

  it('regression: thousands of stages cost linear time; a chain of stages inheriting each other is bounded', async () => {
    // Every FROM looked its parent up by scanning all earlier stages (20,000 stages: 42 s), and
    // each stage built FROM the previous copied its whole environment (5,000 chained stages
    // with one ENV each: 2.7 GB). Stage names are now a map, and the copies have a budget.
    const tables = (await testCatalogue()).tables;
    const many = Array.from({ length: 20_000 }, (_, i) => `FROM alpine AS s${i}\nCOPY --from=s${i ? i - 1 : 0} / /\n`).join('');
    const { ms } = await timed(() => loadDockerfileBytes(Buffer.from(many), SOURCE, tables));
    expect(ms).toBeLessThan(10_000);

    const chain = `FROM alpine AS s0\n${Array.from({ length: 5000 }, (_, i) => `FROM s${i} AS s${i + 1}\nENV K${i}=v\n`).join('')}`;
    const r = await loadDockerfileBytes(Buffer.from(chain), SOURCE, tables);
    // `FROM s(k-1) AS sk` is line 2k and copies the k-1 variables of s(k-1): 0+1+…+447 = 100,128
    // passes 100,000 at k = 448, line 896.
    expect(r.problems.map((p) => `${p.position?.line}:${p.position?.column} ${p.message}`)).toEqual([
      '896:1 build stages inherit more than 100000 environment variables in all; the file is not checked past this FROM',
    ]);
  }, 60_000);
});
