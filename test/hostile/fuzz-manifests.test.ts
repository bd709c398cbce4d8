// Property tests of the manifest loader and everything after it on hostile bytes: generated
// YAML streams and Kubernetes-shaped objects (fields of the wrong type, secret-looking values),
// damaged by truncation, random bytes, invalid UTF-8, NUL, BOMs, mixed line endings, deep
// nesting, huge scalars and alias bombs. Whatever the bytes: the loader returns (never throws),
// within a time bound; it says something about the file (objects, skipped documents, or
// problems, each with a position inside the file); the engine evaluates the result without
// throwing; and a problem always becomes a finding that fails the run (fail closed).
//
// AIGIS_FUZZ_RUNS=N multiplies the run counts (see bounds.ts).

import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluateLoaded } from '../../src/engine/scan.js';
import { isFailing } from '../../src/cli/output.js';
import { loadManifestBytes, type ManifestLoadResult } from '../../src/loaders/manifests/index.js';
import { testCatalogue } from '../helpers/scan.js';
import { mutate, stream } from '../helpers/yaml-gen.js';
import { applyDamage, damage, kubernetesObject } from './arbitraries.js';
import { fuzz, timed } from './bounds.js';

const SOURCE = { kind: 'file' as const, path: 'fuzz.yaml' };
/** Inputs stay under a few hundred kB: reading one is milliseconds; this is a hang detector. */
const LOAD_MS = 3000;
const EVALUATE_MS = 5000;

function lineCount(bytes: Buffer): number {
  let n = 1;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}

/** What every load must satisfy, whatever the bytes. */
function checkLoad(bytes: Buffer, r: ManifestLoadResult): void {
  // (An empty `kind: List` is a document read that holds no object: kubectl's answer when nothing matched.)
  expect(r.documents.length + r.skipped + r.problems.length + r.yamlDocuments, 'the loader said nothing about the file').toBeGreaterThan(0);
  const lines = lineCount(bytes);
  for (const p of r.problems) {
    expect(p.file).toBe(SOURCE.path);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.position, `problem without a position: ${p.message}`).toBeDefined();
    const pos = p.position!;
    expect(pos.line).toBeGreaterThanOrEqual(1);
    expect(pos.column).toBeGreaterThanOrEqual(1);
    // Lines split on \n; a lone \r does not end a line for the line index either.
    expect(pos.line).toBeLessThanOrEqual(lines);
  }
  for (const d of r.documents) {
    for (const pointer of ['', '/metadata/name', '/spec/template/spec/containers/0/image', '/spec/containers/9/x', '/~1/~0', '/__proto__/x']) {
      const pos = d.locate(pointer);
      if (pos) expect(pos.line).toBeGreaterThanOrEqual(1);
    }
  }
}

async function checkEvaluate(r: ManifestLoadResult): Promise<void> {
  const catalogue = await testCatalogue();
  const { value: result, ms } = await timed(() =>
    evaluateLoaded(
      { documents: r.documents, subjects: [], problems: r.problems, secrets: new Set(), stats: { files: 1, objects: 0, subjects: 0, skipped: r.skipped, failed: 0 }, errors: [] },
      { catalogue },
    ),
  );
  expect(ms).toBeLessThan(EVALUATE_MS);
  for (const f of result.findings) expect(typeof f.message).toBe('string');
  // Fail closed: a document that did not parse is a high finding, an empty file a low one.
  const codes = new Set(r.problems.map((p) => p.code));
  if (codes.has('parse-error') || codes.has('duplicate-key')) expect(isFailing(result, 'high')).toBe(true);
  if (codes.size) expect(isFailing(result, 'low')).toBe(true);
}

async function loadChecked(bytes: Buffer): Promise<ManifestLoadResult> {
  const { value: r, ms } = await timed(() => loadManifestBytes(bytes, SOURCE));
  expect(ms, `loading ${bytes.length} bytes took ${ms.toFixed(0)} ms`).toBeLessThan(LOAD_MS);
  checkLoad(bytes, r);
  return r;
}

const objectText = fc.tuple(fc.array(kubernetesObject, { minLength: 1, maxLength: 3 }), fc.nat(3)).map(([objs, style]) =>
  style === 0 ? objs.map((o) => JSON.stringify(o)).join('\n---\n') : style === 1 ? JSON.stringify(objs.length === 1 ? objs[0] : { apiVersion: 'v1', kind: 'List', items: objs }) : objs.map((o) => stringify(o, { aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n'),
);

describe('manifest loader on hostile bytes', () => {
  it('generated YAML streams, edited and damaged: returns in time, locates every problem, fails closed', async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.tuple(fc.nat(5), fc.nat(), fc.nat()), { maxLength: 6 }), damage, async (text, edits, ops) => {
        const bytes = applyDamage(Buffer.from(mutate(text, edits)), ops);
        await checkEvaluate(await loadChecked(bytes));
      }),
      fuzz(150),
    );
  }, 240_000);

  it('Kubernetes-shaped objects with fields of any type, as YAML and JSON, damaged or not: the whole engine copes', async () => {
    await fc.assert(
      fc.asyncProperty(objectText, fc.oneof({ weight: 2, arbitrary: fc.constant([] as Array<[number, number, number]>) }, { weight: 1, arbitrary: damage }), async (text, ops) => {
        const bytes = applyDamage(Buffer.from(text), ops, false);
        await checkEvaluate(await loadChecked(bytes));
      }),
      fuzz(200),
    );
  }, 240_000);

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (raw) => {
        await checkEvaluate(await loadChecked(Buffer.from(raw)));
      }),
      fuzz(200),
    );
  }, 120_000);

  it('regression: 100,000 unclosed flow brackets are a nesting error, not an abort', async () => {
    // The yaml library recursed once per bracket and overflowed the stack; when the overflow
    // struck inside V8's regular-expression compiler the process aborted (FATAL ERROR:
    // RegExpCompiler Allocation failed). nesting.ts now refuses such text before the library.
    for (const text of [`a: ${'['.repeat(100_000)}\n`, `a: ${'{a: '.repeat(30_000)}\n`, `${'- '.repeat(50_000)}x\n`, `k: [${'[a: '.repeat(400)}\n`]) {
      const r = await loadChecked(Buffer.from(text));
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]!.message).toBe('nesting deeper than 500 levels');
      expect(r.problems[0]!.position!.line).toBe(1);
    }
    // 500 levels still parse.
    const ok = await loadChecked(Buffer.from(`a: ${'['.repeat(500)}${']'.repeat(500)}\n`));
    expect(ok.problems).toEqual([]);
  });

  it('regression: env values that made catalogue patterns backtrack are checked in linear time', async () => {
    // secrets.yaml's placeholder pattern `^\s*["']?\s*(…)?\s*["']?\s*$` was cubic: 500 spaces and a
    // `#` in a DB_PASSWORD value took 31 s, 5,000 would take hours; `(^|\n)\s*key` patterns were
    // quadratic (100 kB of spaces: 14 s). test/hostile/patterns.test.ts now guards every pattern.
    for (const value of [`${' '.repeat(5000)}#`, `${' '.repeat(200_000)}x`, `${'\\n'.repeat(100_000)}x`]) {
      const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: a\n    image: a\n    env:\n    - name: DB_PASSWORD\n      value: "${value}"\n    args: ["${value}"]\n`;
      const { ms } = await timed(async () => checkEvaluate(await loadChecked(Buffer.from(text))));
      expect(ms).toBeLessThan(LOAD_MS + EVALUATE_MS);
    }
  }, 30_000);

  it('regression: 200,000 parse errors in one file are reported, not a stack overflow', async () => {
    // loadInputs spread each loader's problems into push(...); past ~120,000 arguments that
    // threw RangeError (an "internal error", exit 2, no position).
    const { scan } = await import('../../src/engine/scan.js');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-fuzz-'));
    const file = path.join(dir, 'duplicates.yaml');
    fs.writeFileSync(file, 'a: 1\n'.repeat(200_000));
    const result = await scan([file], { catalogue: await testCatalogue(), cwd: dir });
    expect(result.findings.length).toBe(199_999);
    expect(result.findings.every((f) => f.ruleId === 'manifest-duplicate-key')).toBe(true);
    expect(result.findings[199_998]!.location.position).toMatchObject({ line: 200_000, column: 1 });
  }, 60_000);

  it('regression: a document the fast path hands back is refused above 1 MiB, before the library holds gigabytes', async () => {
    // 12 MB of `a: b: c` lines made the yaml library hold about 4 GB and abort (heap out of
    // memory after 90 s); such a document is now refused at its first line.
    const text = 'a: b: c\n'.repeat(200_000);
    const r = await loadChecked(Buffer.from(text));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toBe('document of 1600000 characters is over the 1048576-character limit for documents with anchors, tags, tabs or syntax errors; it is not checked (split it, or write it without those)');
    expect(r.problems[0]!.position).toMatchObject({ line: 1, column: 1 });
  });
});
