// The Dockerfile loader: BuildKit's reading of the text (continuations, escape directive,
// here-documents, JSON forms), its variable scoping, the stage facts rules read, locations and
// stable pointers, inline suppressions, secret masking, and no crash on any input.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDockerfileBytes, loadDockerfileText } from '../../../src/loaders/dockerfile/index.js';
import type { DockerfileData, StageData } from '../../../src/loaders/dockerfile/types.js';
import { parsePragma } from '../../../src/loaders/dockerfile/suppressions.js';
import type { Subject } from '../../../src/model/types.js';
import type { DataTables } from '../../../src/rules/data.js';
import { testCatalogue } from '../../helpers/scan.js';

let tables: DataTables;
beforeAll(async () => {
  tables = (await testCatalogue()).tables;
});

async function load(text: string) {
  const r = await loadDockerfileText(text, { kind: 'file', path: 'Dockerfile' }, tables);
  const stages = r.subjects.filter((s) => s.target === 'stage');
  const file = r.subjects.find((s) => s.target === 'dockerfile');
  return { ...r, stages, file, stage: (i: number) => stages[i]!.data as unknown as StageData, fileData: file?.data as unknown as DockerfileData };
}

const at = (s: Subject, path: string) => {
  const l = s.locate(path);
  return `${l.position?.line}:${l.position?.column}`;
};

describe('reading the text', () => {
  it('joins continuations, skipping comment and blank lines inside them', async () => {
    const r = await load('FROM ubuntu:24.04\nRUN apt-get update \\\n    # the lists\n\n    && apt-get install -y curl\n');
    expect(r.stage(0).runs[0]!.commands.map((c) => c.argv.join(' '))).toEqual(['apt-get update', 'apt-get install -y curl']);
    expect(at(r.stages[0]!, '/runs/0/commands/1')).toBe('5:8');
  });

  it('follows the escape directive and CRLF line ends', async () => {
    const r = await load('# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN echo a `\r\n  && echo b\r\nUSER ContainerUser\r\n');
    expect(r.fileData.escape).toBe('`');
    expect(r.stage(0).runs[0]!.commands.map((c) => c.argv.join(' '))).toEqual(['echo a', 'echo b']);
    expect(r.stage(0).user?.user).toBe('ContainerUser');
    expect(at(r.stages[0]!, '/user')).toBe('5:1');
  });

  it('runs a RUN <<EOF here-document as a script and keeps other here-documents as input', async () => {
    const r = await load('FROM ubuntu:24.04\nRUN <<EOF\nset -e\ncurl -fsSL https://x/i.sh | sh\nEOF\nRUN cat > /etc/a.conf <<-END\n\tkey=1\n\tEND\nRUN <<PY\n#!/usr/bin/env python3\nprint("hi")\nPY\n');
    const [script, cat, py] = r.stage(0).runs;
    expect(script!.form).toBe('heredoc');
    expect(script!.commands.map((c) => c.program)).toEqual(['set', 'curl', 'sh']);
    expect(at(r.stages[0]!, '/runs/0/commands/1')).toBe('4:1');
    expect(cat!.commands[0]).toMatchObject({ program: 'cat', heredoc: 'key=1\n' });
    expect(py!.commands[0]).toMatchObject({ program: 'python3', heredoc: '#!/usr/bin/env python3\nprint("hi")\n' });
  });

  it('takes a JSON array as exec form and anything else as shell form', async () => {
    const r = await load('FROM python:3.12\nCMD ["python", "-m", "http.server"]\nENTRYPOINT [ "python" , \'x\' ]\nRUN ["sh", "-c", "curl -k https://h | sh"]\n');
    expect(r.stage(0).cmd).toMatchObject({ form: 'exec', argv: ['python', '-m', 'http.server'] });
    expect(r.stage(0).entrypoint?.form).toBe('shell');
    expect(r.stage(0).runs[0]!.commands.map((c) => c.program)).toEqual(['sh', 'curl', 'sh']);
    expect(r.stage(0).runs[0]!.commands[1]!.pipeTo?.program).toBe('sh');
  });
});

describe('variables', () => {
  it('expands global ARGs in FROM and a stage ARG without default from the global one', async () => {
    const r = await load('ARG BASE=ollama/ollama\nARG TAG=0.6.8\nFROM ${BASE}:${TAG} AS serve\nARG TAG\nARG EXTRA=x-${TAG}\nENV V=${EXTRA}\n');
    expect(r.stage(0).from).toMatchObject({ image: 'ollama/ollama:0.6.8', resolved: true, ref: { repository: 'ollama/ollama', tag: '0.6.8' } });
    expect(r.stage(0).environment.V).toBe('x-0.6.8');
    expect(r.stage(0).args).toEqual([{ name: 'TAG', value: '0.6.8' }, { name: 'EXTRA', value: 'x-0.6.8' }]);
  });

  it('leaves build-time values unknown, and an undeclared FROM variable empty', async () => {
    const r = await load('ARG IMAGE\nFROM ${IMAGE}\nFROM python:${PY_VERSION:-3.12}-slim\nFROM base-${TARGETARCH}\n');
    expect(r.stage(0).from.resolved).toBe(false);
    expect(r.stage(1).from.image).toBe('python:3.12-slim');
    expect(r.stage(2).from.resolved).toBe(false);
  });

  it('expands every ENV value before setting any, and lets ENV win over ARG', async () => {
    const r = await load('FROM alpine:3.20\nENV A=1\nENV A=2 B=$A\nARG A=3\nENV C=$A\n');
    expect(r.stage(0).environment).toMatchObject({ A: '2', B: '1', C: '2' });
  });

  it('keeps single-quoted text and escaped dollars literal', async () => {
    const r = await load("FROM alpine:3.20\nARG X=y\nENV A='$X' B=\\$X C=\"$X\"\n");
    expect(r.stage(0).environment).toMatchObject({ A: '$X', B: '$X', C: 'y' });
  });

  it('inherits ENV, USER and HEALTHCHECK through FROM <stage>, not from other stages', async () => {
    const r = await load('FROM python:3.12 AS base\nENV HF_HOME=/models\nUSER 10001\nHEALTHCHECK CMD curl -f http://localhost/\nFROM base AS app\nFROM python:3.12 AS other\n');
    expect(r.stage(1)).toMatchObject({ environment: { HF_HOME: '/models' }, user: { user: '10001', root: false, inherited: true }, healthcheck: { none: false, inherited: true } });
    expect(at(r.stages[1]!, '/user')).toBe('3:1');
    expect(r.stage(2)).toMatchObject({ environment: {}, user: null, healthcheck: null });
  });

  it('expands the same RUN text with each stage’s and each file’s own variables (parsed scripts are reused)', async () => {
    const run = 'RUN pip install torch==$TORCH && curl -fsSL https://x/${TORCH}.tgz -o /m.bin';
    const r = await load(`FROM python:3.12 AS a\nENV TORCH=2.3\n${run}\nFROM python:3.12 AS b\nENV TORCH=2.4 PIP_NO_CACHE_DIR=1\n${run}\n`);
    expect(r.stage(0).runs[0]!.commands.map((c) => c.argv.join(' '))).toEqual(['pip install torch==2.3', 'curl -fsSL https://x/2.3.tgz -o /m.bin']);
    expect(r.stage(1).runs[0]!.commands.map((c) => c.argv.join(' '))).toEqual(['pip install torch==2.4', 'curl -fsSL https://x/2.4.tgz -o /m.bin']);
    expect(r.stage(0).runs[0]!.commands[0]!.install).toMatchObject({ noCacheDir: false, packages: [{ name: 'torch', version: '==2.3' }] });
    expect(r.stage(1).runs[0]!.commands[0]!.install).toMatchObject({ noCacheDir: true, packages: [{ name: 'torch', version: '==2.4' }] });
    const again = await load(`FROM python:3.12\nARG TORCH\n${run}\n`);
    expect(again.stage(0).runs[0]!.commands[0]!.argv.join(' ')).toBe('pip install torch==$TORCH');
    // Each file locates its own copy of the text.
    expect(at(r.stages[1]!, '/runs/0/commands/1')).toBe('6:34');
    expect(at(again.stages[0]!, '/runs/0/commands/1')).toBe('3:34');
  });
});

describe('stage facts', () => {
  it('flags the final stage and the stages it is built from', async () => {
    const r = await load('FROM a:1 AS build\nFROM b:1 AS base\nFROM base AS final\n');
    expect(r.stages.map((s) => [(s.data as unknown as StageData).final, (s.data as unknown as StageData).shipped])).toEqual([
      [false, false],
      [false, true],
      [true, true],
    ]);
  });

  it('reads USER root, 0 and 0:0 as root, and a user from a build argument as unknown', async () => {
    for (const [user, root] of [['root', true], ['0', true], ['0:0', true], ['0000', true], ['app:root', false], ['10001:0', false], ['${U}', null]] as const) {
      const r = await load(`FROM alpine:3.20\nARG U\nUSER ${user}\n`);
      expect(r.stage(0).user?.root, user).toBe(root);
    }
  });

  it('knows the user of well-known non-root base images', async () => {
    const r = await load('FROM gcr.io/distroless/static:nonroot\nFROM gcr.io/distroless/static:latest\nFROM quay.io/jupyter/base-notebook:2024-10-07\n');
    expect(r.stages.map((s) => (s.data as unknown as StageData).user?.root ?? null)).toEqual([false, null, false]);
  });

  it('reads EXPOSE ports, ranges and protocols, and reports what is not a port', async () => {
    const r = await load('FROM alpine:3.20\nARG P=8000\nEXPOSE 80 443/tcp 9000-9002/udp ${P} ${UNKNOWN} eighty\n');
    expect(r.stage(0).expose.map((e) => [e.port, e.endPort, e.protocol])).toEqual([
      [80, 80, 'tcp'],
      [443, 443, 'tcp'],
      [9000, 9002, 'udp'],
      [8000, 8000, 'tcp'],
    ]);
    expect(r.problems.map((p) => `${p.position?.line}:${p.position?.column} ${p.message}`)).toEqual(['3:49 EXPOSE: "eighty" is not a port, a port range or port/protocol']);
  });

  it('reads COPY/ADD sources, flags, URLs, --from and here-documents', async () => {
    const r = await load(
      'FROM golang:1.22 AS builder\nFROM alpine:3.20\nCOPY --from=builder --chown=10001:10001 --chmod=640 /out/app /app\nADD --checksum=sha256:abc https://x/y.tar.gz /opt/\nCOPY --from=busybox:1.36 /bin/sh /sh\nCOPY --from=nope a b\nCOPY <<EOF /etc/motd\nhello\nEOF\nCOPY ["a b", "/c/"]\n',
    );
    const [c0, c1, c2, c3, c4, c5] = r.stage(1).copies;
    expect(c0).toMatchObject({ from: { kind: 'stage', stage: 0 }, chown: '10001:10001', chmod: '640', worldWritable: false, dest: '/app' });
    expect(c1).toMatchObject({ instruction: 'ADD', checksum: 'sha256:abc', sources: [{ path: 'https://x/y.tar.gz', url: true }] });
    expect(c2!.from).toMatchObject({ kind: 'image' });
    expect(c3!.from).toMatchObject({ kind: 'undefined', value: 'nope' });
    expect(c4).toMatchObject({ heredoc: true, dest: '/etc/motd', sources: [] });
    expect(c5!.sources.map((s) => s.path)).toEqual(['a b']);
    expect(at(r.stages[1]!, '/copies/0/from')).toBe('3:6');
  });

  it('recognises secret mounts, and ENTRYPOINT clearing an inherited CMD', async () => {
    const r = await load('FROM python:3.12 AS base\nCMD ["python"]\nFROM base\nENTRYPOINT ["/entry.sh"]\nRUN --mount=type=secret,id=hf,env=HF_TOKEN --network=none huggingface-cli download org/m\n');
    expect(r.stage(1).runs[0]).toMatchObject({ mounts: [{ type: 'secret', id: 'hf', env: 'HF_TOKEN' }], network: 'none' });
    expect(r.stage(1).cmd).toBeNull();
    expect(r.stage(1).entrypoint?.argv).toEqual(['/entry.sh']);
  });

  it('unwraps sudo/env/exec and reads options, installs and downloads', async () => {
    const r = await load(
      'FROM ubuntu:24.04\nRUN sudo -E env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl=8.5.0 git && python3 -m pip install --no-cache-dir torch==2.5.1 . && hf download org/m --revision 0123456789abcdef0123456789abcdef01234567\n',
    );
    const [apt, pip, hf] = r.stage(0).commands;
    expect(apt).toMatchObject({ program: 'apt-get', wrappers: ['sudo', 'env'], assigns: { DEBIAN_FRONTEND: 'noninteractive' } });
    expect(apt!.install).toMatchObject({ manager: 'apt', noInstallRecommends: true, packages: [{ name: 'curl', pinned: true }, { name: 'git', pinned: false }] });
    expect(pip!.install).toMatchObject({ manager: 'pip', noCacheDir: true, packages: [{ name: 'torch', version: '==2.5.1', pinned: true }] });
    expect(hf!.download).toMatchObject({ tool: 'hf', source: 'org/m', model: true, pinned: true });
    // An option takes the next word as its value when it could be one: presence is what rules test.
    expect(apt!.opts).toMatchObject({ '-y': true, '--no-install-recommends': 'curl=8.5.0' });
  });

  it('recognises the AI component with the fingerprints table', async () => {
    const r = await load('FROM python:3.12-slim\nEXPOSE 8000\nCMD ["vllm", "serve", "org/m", "--host", "0.0.0.0", "--api-key", "k1234567"]\n');
    expect(r.stage(0).component).toMatchObject({ id: 'vllm', matchedBy: 'command', exposed: [{ port: 8000 }], listen: [{ via: 'flag', name: '--host', value: '0.0.0.0' }], auth: { enabled: true } });
    expect(r.secrets).toContain('k1234567');
  });
});

describe('locations', () => {
  it('points at words inside instructions, and at FROM for the stage as a whole', async () => {
    const r = await load('FROM python:3.12\nENV A=1 \\\n    HF_TOKEN=x\nRUN cd /app && \\\n    curl -k https://h\n');
    const s = r.stages[0]!;
    expect(at(s, '/env/1')).toBe('3:5');
    expect(at(s, '/env/1/value')).toBe('3:5');
    expect(at(s, '/runs/0/commands/1/argv/1')).toBe('5:5');
    expect(at(s, '/healthcheck')).toBe('1:1');
    expect(s.locate('/runs/0/commands/1').position).toMatchObject({ endLine: 5, endColumn: 22 });
  });

  it('keeps pointers (and so fingerprints) when lines move or instructions are re-wrapped', async () => {
    const a = await load('FROM python:3.12 AS app\nRUN pip install torch && curl -k https://h\n');
    const b = await load('# a comment\nFROM python:3.12 AS app\n\nRUN pip install torch \\\n    && curl -k https://h\n');
    const pa = a.stages[0]!.locate('/runs/0/commands/1');
    const pb = b.stages[0]!.locate('/runs/0/commands/1');
    expect(pa.position!.line).not.toBe(pb.position!.line);
    expect(pa.pointer).toBe(pb.pointer);
    expect(pa.pointer).toMatch(/^\/stages\/app\/RUN:[0-9a-f]{8}\/commands\/1$/);
    // Two identical instructions in a stage get distinct pointers.
    const c = await load('FROM x:1\nRUN make\nRUN make\n');
    expect(c.stages[0]!.locate('/runs/0').pointer).not.toBe(c.stages[0]!.locate('/runs/1').pointer);
  });

  it('gives the ARG default as the related location of a FROM built from it', async () => {
    const r = await load('ARG BASE=python:latest\nFROM ${BASE}\n');
    expect(r.stages[0]!.related!('/from/ref/tag').map((l) => `${l.position?.line}:${l.position?.column}`)).toEqual(['1:5']);
  });
});

describe('suppressions', () => {
  it('reads ids, reasons and the file form', () => {
    expect(parsePragma('# aigis-ignore dockerfile-sudo,dockerfile-pip-cache vendor script, tracked in #12')).toEqual({
      scope: 'instruction',
      ruleIds: ['dockerfile-sudo', 'dockerfile-pip-cache'],
      reason: 'vendor script, tracked in #12',
    });
    expect(parsePragma('#aigis-ignore-file dockerfile-healthcheck-missing')).toEqual({ scope: 'file', ruleIds: ['dockerfile-healthcheck-missing'], reason: '' });
    expect(parsePragma('# aigis-ignored is not a pragma')).toBeUndefined();
    expect(parsePragma('# hadolint ignore=DL3008')).toBeUndefined();
  });

  it('scopes a comment to the instruction below it (across further comments), in its stage', async () => {
    const r = await load('FROM a:1 AS one\n# aigis-ignore dockerfile-sudo why\n# another comment\nRUN sudo x\nRUN sudo y\nFROM b:1\n# aigis-ignore-file dockerfile-root-user all stages\n');
    expect(r.stages[0]!.suppressions!.map((s) => [s.ruleId, s.reason, s.lines])).toEqual([
      ['dockerfile-root-user', 'all stages', undefined],
      ['dockerfile-sudo', 'why', { start: 4, end: 4 }],
    ]);
    expect(r.stages[1]!.suppressions!.map((s) => s.ruleId)).toEqual(['dockerfile-root-user']);
  });
});

describe('secrets', () => {
  it('names every AI credential of ai-rules.md §4 a secret and masks values in messages', async () => {
    const names = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HUGGINGFACEHUB_API_TOKEN', 'OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GOOGLE_API_KEY', 'GEMINI_API_KEY', 'COHERE_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'REPLICATE_API_TOKEN', 'NGC_API_KEY', 'NVIDIA_API_KEY', 'WANDB_API_KEY', 'LANGCHAIN_API_KEY', 'LANGSMITH_API_KEY', 'PINECONE_API_KEY', 'MLFLOW_TRACKING_PASSWORD', 'MLFLOW_TRACKING_TOKEN', 'VLLM_API_KEY', 'API_KEY', 'QDRANT__SERVICE__API_KEY', 'CHROMA_SERVER_AUTHN_CREDENTIALS', 'RAY_AUTH_TOKEN', 'JUPYTER_TOKEN', 'WEBUI_SECRET_KEY', 'MLFLOW_FLASK_SERVER_SECRET_KEY', 'LANGFLOW_SUPERUSER_PASSWORD', 'MILVUS_TOKEN'];
    const r = await load(`FROM x:1\n${names.map((n) => `ENV ${n}=value-of-${n.toLowerCase()}`).join('\n')}\nENV PATH=/usr/bin HF_HOME=/models HF_TOKEN_FILE=/run/secrets/t OPENAI_API_KEY=EMPTY TOKENIZERS_PARALLELISM=false SCCACHE_NO_CREDENTIALS=0\n`);
    const vars = r.fileData.variables;
    expect(vars.filter((v) => v.secretName && !v.placeholder).map((v) => v.name)).toEqual(names);
    expect(vars.find((v) => v.name === 'HF_TOKEN')!.display).toBe('valu…');
    expect(r.secrets).toContain('value-of-hf_token');
    expect(r.secrets).not.toContain('/models');
  });

  it('recognises token-shaped values whatever the name, and masks tokens on command lines', async () => {
    const r = await load('FROM x:1\nENV SETTING=nvapi-AbCdEfGhIjKlMnOpQrStUvWxYz\nRUN huggingface-cli login --token hf_abcdefghijklmnopqrstuvwxyz0123456789\n');
    expect(r.fileData.variables[0]).toMatchObject({ tokenKind: 'nvidia', secretName: false });
    expect(r.secrets).toEqual(expect.arrayContaining(['nvapi-AbCdEfGhIjKlMnOpQrStUvWxYz', 'hf_abcdefghijklmnopqrstuvwxyz0123456789']));
  });
});

describe('bad input', () => {
  it('reports binary content, invalid UTF-8 and an empty file at 1:1', async () => {
    const src = { kind: 'file' as const, path: 'Dockerfile' };
    for (const [bytes, message] of [
      [Buffer.from('FROM x\n\0\u0001'), 'binary content'],
      [Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xc3, 0x28]), 'invalid UTF-8 at byte 5'],
      [Buffer.from('# only a comment\n'), 'no instructions'],
    ] as const) {
      const r = await loadDockerfileBytes(bytes, src, tables);
      expect(r.problems.map((p) => `${p.position?.line}:${p.position?.column} ${p.code}`)).toEqual(['1:1 dockerfile-parse-error']);
      expect(r.problems[0]!.message).toContain(message);
    }
  });

  it('never throws, whatever the text', async () => {
    const piece = fc.oneof(
      fc.constantFrom('FROM ', 'RUN ', 'COPY ', 'ADD ', 'ENV ', 'ARG ', 'USER ', 'EXPOSE ', 'CMD ', 'ENTRYPOINT ', 'HEALTHCHECK ', 'SHELL ', 'ONBUILD ', 'WORKDIR ', 'LABEL '),
      fc.constantFrom('\\\n', '\n', '<<EOF', 'EOF\n', '${X', '${X:-', '$(', '"', "'", '[', ']', '--mount=type=secret', '--from=', 'AS ', '# escape=`\n', '# aigis-ignore ', '`', '\t', '=', '|', '&&'),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), async (parts) => {
        const r = await loadDockerfileText(parts.join(''), { kind: 'file', path: 'Dockerfile' }, tables);
        for (const s of r.subjects) s.locate('/runs/0/commands/0/argv/0');
      }),
      { numRuns: 300 },
    );
  });
});
