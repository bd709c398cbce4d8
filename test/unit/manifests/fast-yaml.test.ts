// The fast YAML path must give exactly what the library path gives: data (types, key order),
// the offset table of every map and sequence, problems, start/end, helm sources, empty/fatal.
// Differential tests over hand-picked documents, generated documents and mutations of them;
// plus checks that ordinary manifests really take the fast path.

import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYamlStream, parseYamlStreamWithLibrary, type YamlParseStats } from '../../../src/loaders/manifests/yaml.js';
import { canonical, firstDifference } from '../../helpers/yaml-compare.js';
import { SPELLINGS, mutate, stream } from '../../helpers/yaml-gen.js';

// AIGIS_FUZZ_RUNS=20 runs the generated-document properties twenty times longer.
const SCALE = Number(process.env.AIGIS_FUZZ_RUNS ?? 1);

function newStats(): YamlParseStats {
  return { fastDocuments: 0, fallbackDocuments: 0, fallbackStreams: 0 };
}

/** Undefined when both paths agree on `text`, else a description of the first difference. */
function disagreement(text: string, stats?: YamlParseStats): string | undefined {
  const fast = canonical(parseYamlStream(text, undefined, stats));
  const slow = canonical(parseYamlStreamWithLibrary(text));
  const d = firstDifference(fast, slow);
  return d && `${d}\n--- text:\n${JSON.stringify(text)}`;
}

function expectSame(text: string): YamlParseStats {
  const stats = newStats();
  expect(disagreement(text, stats)).toBeUndefined();
  return stats;
}

const DEPLOYMENT = `# Source: chart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm   # the server
  labels: {app: vllm, "tier": 'serving'}
  annotations:
    note: "a \\"quoted\\" value: with colon"
    it: 'it''s'
spec:
  replicas: 0x2
  template:
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.8.4
        args: ["--model", meta-llama/Llama-3-8B, --port, '8000']
        securityContext:
          privileged: yes
          runAsUser: 0777
        # trailing comment of the container
      volumes: []
      nodeSelector: {}
    # a comment at the template's indentation
---
apiVersion: v1
kind: ConfigMap
data:
  script.sh: |
    #!/bin/sh
    echo "hi"

      indented
  folded: >-
    one
    two

    three
  keep: |+
    kept

...
`;

describe('fast YAML path: ordinary manifests', () => {
  it('reads a typical Helm-rendered stream without the library, identically', () => {
    const stats = expectSame(DEPLOYMENT);
    expect(stats).toEqual({ fastDocuments: 2, fallbackDocuments: 0, fallbackStreams: 0 });
  });

  it('reads CRLF and a BOM identically without the library', () => {
    const stats = expectSame(`\uFEFF${DEPLOYMENT.replace(/\n/g, '\r\n')}`);
    expect(stats.fallbackDocuments + stats.fallbackStreams).toBe(0);
  });

  it('gives the values a reader expects (counted by hand)', () => {
    const [dep, cm] = parseYamlStream(DEPLOYMENT);
    const d = dep!.data as { metadata: { labels: unknown; annotations: unknown }; spec: { replicas: number; template: { spec: { containers: Array<Record<string, unknown>> } } } };
    expect(d.metadata.labels).toEqual({ app: 'vllm', tier: 'serving' });
    expect(d.metadata.annotations).toEqual({ note: 'a "quoted" value: with colon', it: "it's" });
    expect(d.spec.replicas).toBe(2);
    const c = d.spec.template.spec.containers[0]!;
    expect(c.args).toEqual(['--model', 'meta-llama/Llama-3-8B', '--port', '8000']);
    expect(c.securityContext).toEqual({ privileged: true, runAsUser: 511 });
    expect(dep!.helmSource).toBe('chart/templates/deployment.yaml');
    expect((cm!.data as { data: unknown }).data).toEqual({
      'script.sh': '#!/bin/sh\necho "hi"\n\n  indented\n',
      folded: 'one two\nthree',
      keep: 'kept\n\n',
    });
  });

  it('locates keys and items at their offsets', () => {
    const text = 'a:\n  b: 1\n  c:\n  - x\n  - [y, z]\n';
    const [doc] = parseYamlStream(text);
    const at = (pointer: string) => doc!.offsets.rangeAt(doc!.data, pointer);
    // Lines start at 0, 3, 10, 15 and 21: `b` is at 5 and `1` ends at 9; `c` is at 12 and its
    // value ends after `[y, z]` and its newline; `x` is at 15+4, `[y, z]` spans 21+4 to 21+10
    // and its `z` 21+8 to 21+9.
    expect(at('/a/b')).toEqual([5, 9]);
    expect(at('/a/c')).toEqual([12, text.length]);
    expect(at('/a/d')).toBeUndefined();
    expect(at('/a/c/0')).toEqual([19, 20]);
    expect(at('/a/c/1')).toEqual([25, 31]);
    expect(at('/a/c/1/1')).toEqual([29, 30]);
    expect(at('/a/c/2')).toBeUndefined();
    expect(at('/a/c/-1')).toBeUndefined();
    expect(at('/a/b/x')).toBeUndefined();
    // Not exact: the deepest field found.
    const cell = doc!.offsets.cellAt(doc!.data, '/a/c/7/x');
    expect([doc!.offsets.start(cell), doc!.offsets.end(cell)]).toEqual([12, text.length]);
  });

  it('keeps one range per key, the last one, in the place of the first', () => {
    // `a` at 0 and again at 10 (its value `3` ends at 14), `b` at 5 (its value ends at 9).
    const text = 'a: 1\nb: 2\na: 3\n';
    const [doc] = parseYamlStream(text);
    expect(doc!.data).toEqual({ a: 3, b: 2 });
    expect(doc!.offsets.entries(doc!.offsets.root).map(([s, e]) => [s, e])).toEqual([
      [10, 14],
      [5, 9],
    ]);
    expect(doc!.problems.map((p) => [p.code, p.start])).toEqual([['duplicate-key', 10]]);
  });

  it('places the range of an integer-like key, which comes first in the object, by its name', () => {
    // `b` at 0 (value ends at 4), `"2"` at 5 (value `x` ends at 11), `a` at 12 (ends at 16).
    const text = 'b: 1\n"2": x\na: 3\n';
    const [doc] = parseYamlStream(text);
    expect(Object.keys(doc!.data as object)).toEqual(['2', 'b', 'a']);
    expect(doc!.offsets.rangeAt(doc!.data, '/2')).toEqual([5, 11]);
    expect(doc!.offsets.rangeAt(doc!.data, '/b')).toEqual([0, 4]);
    expect(doc!.offsets.rangeAt(doc!.data, '/a')).toEqual([12, 16]);
  });

  it('gives a merged key the range it has where it was written, and an alias its anchor\'s fields', () => {
    // `{x: 1}` sits at 9–15, `x` at 10 with its value ending at 14; `z` is at 30, its value ends at
    // 34 (not `y`: a YAML 1.1 boolean). `p: *b` at 35 (not `n`): `p/x` is the anchor's `x`.
    const text = 'base: &b {x: 1}\nm:\n  <<: *b\n  z: 2\np: *b\n';
    const [doc] = parseYamlStream(text);
    expect(doc!.data).toEqual({ base: { x: 1 }, m: { z: 2, x: 1 }, p: { x: 1 } });
    expect(doc!.offsets.rangeAt(doc!.data, '/m/z')).toEqual([30, 34]);
    expect(doc!.offsets.rangeAt(doc!.data, '/m/x')).toEqual([10, 14]);
    expect(doc!.offsets.rangeAt(doc!.data, '/p/x')).toEqual([10, 14]);
    expect(doc!.offsets.rangeAt(doc!.data, '/p')).toEqual([35, 40]);
  });

  it('follows escaped pointer segments', () => {
    // `a/b` at 0 (value ends at 8), `c~d` at 9 (value ends at 15).
    const text = '"a/b": 1\nc~d: 2\n';
    const [doc] = parseYamlStream(text);
    expect(doc!.offsets.rangeAt(doc!.data, '/a~1b')).toEqual([0, 8]);
    expect(doc!.offsets.rangeAt(doc!.data, '/c~0d')).toEqual([9, 15]);
  });

  it('keeps every document\'s offsets apart, across the shared cell pool and past it', () => {
    // 4,000 documents of 100 fields fill more than one pool of cells (offsets.ts, POOL_CELLS);
    // one of 100,000 fields is too large for the pool and gets an array of its own; one hands
    // over to the library half way, after writing some cells.
    const docs: string[] = [];
    const starts: number[] = []; // where each document's text starts
    let length = 0;
    for (let d = 0; d < 4000; d++) {
      const fields = Array.from({ length: d === 1500 ? 100_000 : 100 }, (_, f) => `k${f}: d${d}f${f}`);
      if (d === 2500) fields.splice(50, 0, 'anchored: &a [1]', 'alias: *a');
      docs.push(fields.join('\n'));
      starts.push(length);
      length += docs[d]!.length + '\n---\n'.length;
    }
    const text = `${docs.join('\n---\n')}\n`;
    const stats = newStats();
    const parsed = parseYamlStream(text, undefined, stats);
    expect(stats).toEqual({ fastDocuments: 3999, fallbackDocuments: 1, fallbackStreams: 0 });
    for (let d = 0; d < 4000; d++) {
      const doc = parsed[d]!;
      for (const f of [0, 49, 99, ...(d === 1500 ? [99_999] : [])]) {
        const field = `k${f}: d${d}f${f}`;
        const at = text.indexOf(`${field}\n`, starts[d]);
        expect(doc.offsets.rangeAt(doc.data, `/k${f}`)).toEqual([at, at + field.length]);
      }
    }
  });

  it('hands documents with anchors, tags or nested sequences on one line to the library, one at a time', () => {
    const text = 'a: 1\n---\nb: &x [1]\nc: *x\n---\nd: !!str 1\n---\ne:\n- - x\n---\nf: 2\n';
    const stats = expectSame(text);
    expect(stats).toEqual({ fastDocuments: 2, fallbackDocuments: 3, fallbackStreams: 0 });
  });

  it('agrees on every rule fixture in the repository', () => {
    const root = path.join(path.dirname(new URL(import.meta.url).pathname), '../../rules');
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ya?ml|json)$/.test(e.name)) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(10);
    const stats = newStats();
    for (const f of files) expect(disagreement(fs.readFileSync(f, 'utf8'), stats), f).toBeUndefined();
    expect(stats.fastDocuments).toBeGreaterThan(stats.fallbackDocuments);
  });
});

// Each case is a small stream where the two paths could plausibly part ways.
const EDGE_CASES: Record<string, string> = {
  'empty text': '',
  'only a comment': '# c\n',
  'only markers': '---\n---\n',
  'marker with comment': '--- # c\na: 1\n',
  'empty doc with comment': 'a: 1\n---\n# c\n---\nb: 2\n',
  'doc end then comment': 'a: 1\n...\n# Source: x\n---\nb: 2\n',
  'doc end without next marker': 'a: 1\n...\nb: 2\n',
  'no final newline': 'a: 1\nb: [x]',
  'comment without newline at end': 'a: 1 # c',
  'deeper comment after last value': 'a:\n  b: 1\n    # deeper\nc: 2\n',
  'comment at map indent after last value': 'a:\n  b: 1\n  # same\nc: 2\n',
  'comment at parent indent': 'a:\n  b: 1\n# top\nc: 2\n',
  'comments before dedent with blank lines': 'a:\n  b:\n    c: 1\n\n      # d6\n\n    # d4\n  # d2\n\n  e: 2\n',
  'comment after seq item in compact map': 'l:\n- n: 1\n  # c\n- n: 2\n  # c2\nx: 1\n',
  'comments after block scalar': 'a:\n  s: |\n    x\n\n   # c3\n  # c2\nb: 1\n',
  'keep block scalar at end': 'a: |+\n  x\n\n\n',
  'strip block scalar': 'a: |-\n  x\n\n  \nb: 1\n',
  'block scalar with more-indented blank lines': 'a: |\n  x\n    \n  y\n     \nb: 1\n',
  'folded with more-indented lines': 'a: >\n  one\n  two\n    indented\n  three\n\n  four\nb: 1\n',
  'block scalar header comment': 'a: | # c\n  x\n',
  'block scalar with indicator': 'a: |2\n   x\n',
  'block scalar at end without newline': 'a: |\n  x',
  'empty values': 'a:\nb:   \nc: 1\nd:\n',
  'empty value then comment': 'a:\n# c\nb: 1\n',
  'empty value with comment': 'a: # c\nb: 1\n',
  'same-indent sequence': 'a:\n- 1\n- 2\nb: 3\n',
  'nested sequences': 'a:\n  - - x\n    - y\n',
  'empty sequence item': 'a:\n- \n- x\n',
  'keys in 1.1 spellings': 'yes: 1\nNo: 2\n~: 3\n1: 4\n0777: 5\n1.5: 6\n.inf: 7\n',
  'duplicate keys': 'a: 1\nb: 2\na: 3\nb:\n  c: 1\n  c: 2\n',
  'flow duplicate keys': 'a: {x: 1, x: 2}\n',
  'quoted keys': '"a b": 1\n\'c\': 2\n"d":3\n',
  'merge key': 'a: &x {b: 1}\nc:\n  <<: *x\n',
  'plain with colon': 'a: b:c\nd: http://x:80/y\ne: f: g\n',
  'plain with hash': 'a: b#c\nd: e #f\n',
  'escapes': 'a: "\\t\\n\\u00e9\\x41\\U0001F680\\\\\\/ \\_"\nb: "\\q"\n',
  'odd indentation': 'a:\n   b: 1\n   c: 2\nd:\n - x\n -  y\n',
  'bad indentation': 'a:\n  b: 1\n c: 2\n',
  'tab': 'a:\t1\n',
  'top-level scalar': 'hello\n',
  'top-level flow': '{"apiVersion": "v1", "kind": "Pod"}\n',
  'indented top level': '  a: 1\n  b: 2\n',
  'directive': '%YAML 1.1\n---\na: 1\n',
  'nul-free control char': 'a: b\x07c\n',
  'lone CR': 'a: 1\rb: 2\n',
  'unicode': 'é: "ü"\nk: 🚀 rocket\n',
  'flow trailing comma': 'a: [x, y, ]\nb: {c: 1, }\n',
  'flow nested': 'a: [[1, 2], {b: [c, {d: e}]}, []]\n',
  'flow multi-line': 'a: [x,\n  y]\n',
  'flow pair in seq': 'a: [b: c]\n',
  'long document marker': '----\na: 1\n',
  'marker with content': '--- a: 1\n',
  '__proto__ key': '__proto__: {a: 1}\nb: 2\n',
  'sequence of scalars with comments': '- a # c\n- b\n  # deeper\n# top\n',
  'helm source after empty value': 'a:\n---\n# Source: t.yaml\nb: 1\n',
  'multi-line plain': 'a: one\n  two\n\n  three   \n    four # c\nb: x\n  - y\nc:\n- p\n  q\n- r\n',
  'multi-line plain then deeper comment': 'a: one\n  two\n    # c\nb: 1\n',
  'multi-line plain with colon': 'a: one\n  two: three\n',
  'multi-line double quoted': 'a: "one\n  two\\\n    three \n\n  four\\t"\nb: "x\n y" # c\n',
  'multi-line single quoted': "a: 'one\n  two''s\n\n  three'\nb: 1\n",
  'multi-line quoted unindented': 'a: "one\ntwo"\n',
  'empty item with nested map': 'a:\n- # c\n  b: 1\n  c: 2\n-\n  d: 3\n',
  'go-yaml wrapped value': 'spec:\n  selectors:\n  - cel:\n      expression: device.driver == \'gpu\' && device.attributes[\'x\'].type\n        == \'mig\'\n',
};

describe('fast YAML path: edge cases', () => {
  it.each(Object.entries(EDGE_CASES))('%s', (_name, text) => {
    expect(disagreement(text)).toBeUndefined();
    expect(disagreement(text.replace(/\n/g, '\r\n'))).toBeUndefined();
  });
});

describe('fast YAML path: generated documents', () => {
  it('agrees with the library on generated streams, mostly without it', () => {
    const stats = newStats();
    fc.assert(
      fc.property(stream, (text) => {
        const d = disagreement(text, stats);
        if (d) throw new Error(d);
      }),
      { numRuns: 1500 * SCALE },
    );
    // The generator mostly writes YAML the fast path handles; if it bailed on nearly
    // everything, the agreement above would prove little.
    expect(stats.fastDocuments).toBeGreaterThan(stats.fallbackDocuments);
  }, 120_000 * SCALE);

  it('agrees with the library on mutated streams', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }), (text, edits) => {
        const d = disagreement(mutate(text, edits));
        if (d) throw new Error(d);
      }),
      { numRuns: 2500 * SCALE },
    );
  }, 120_000 * SCALE);

  it('agrees with the library on every 1.1 spelling as key and value, in every quoting', () => {
    for (const s of SPELLINGS) {
      for (const text of [`${s}: ${s}\n`, `k: ${s}\n`, `k: [${s}]\n`, `k: {${s}: ${s}}\n`, `- ${s}\n`, `k: '${s}'\n`, `k: "${s}"\n`, `"${s}": 1\n`]) {
        expect(disagreement(text)).toBeUndefined();
      }
    }
  });
});
