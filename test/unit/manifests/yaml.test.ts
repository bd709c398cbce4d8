import { describe, expect, it } from 'vitest';
import { parseYamlStream } from '../../../src/loaders/manifests/yaml.js';
import { loadManifestBytes, loadManifestText } from '../../../src/loaders/manifests/index.js';

const src = { kind: 'file' as const, path: 'x.yaml' };

describe('YAML 1.1 scalars, as the API server reads them', () => {
  it.each([
    ['yes', true], ['Yes', true], ['YES', true], ['on', true], ['On', true], ['ON', true], ['y', true], ['Y', true],
    ['true', true], ['no', false], ['off', false], ['n', false], ['N', false], ['false', false],
  ])('%s is %s', (spelling, value) => {
    const [doc] = parseYamlStream(`a: ${spelling}\n`);
    expect((doc!.data as { a: unknown }).a).toBe(value);
  });

  it('reads 0777 as octal, 0x1F as hex, 1_000 as a thousand', () => {
    const [doc] = parseYamlStream('a: 0777\nb: 0x1F\nc: 1_000\nd: "0777"\n');
    expect(doc!.data).toEqual({ a: 511, b: 31, c: 1000, d: '0777' });
  });

  it('keeps timestamps and sexagesimal-looking values as strings', () => {
    const [doc] = parseYamlStream('a: 2001-12-14\nb: 22:30\n');
    expect(doc!.data).toEqual({ a: '2001-12-14', b: '22:30' });
  });

  it('applies << merge keys, explicit keys winning', () => {
    const [doc] = parseYamlStream('base: &b {x: 1, z: 2}\nobj:\n  z: 3\n  <<: *b\n');
    expect((doc!.data as { obj: unknown }).obj).toEqual({ z: 3, x: 1 });
  });

  it('reads a key spelled as a 1.1 boolean as "true"/"false", like sigs.k8s.io/yaml', () => {
    const [doc] = parseYamlStream('y: 1\non: 2\nno: 3\n');
    expect(doc!.data).toEqual({ true: 2, false: 3 });
    expect(doc!.problems.map((p) => p.code)).toEqual(['duplicate-key']);
  });
});

describe('duplicate keys', () => {
  it('keep the last value and are reported at the second key', () => {
    const [doc] = parseYamlStream('a:\n  privileged: false\n  privileged: true\n');
    expect((doc!.data as { a: { privileged: boolean } }).a.privileged).toBe(true);
    expect(doc!.problems).toHaveLength(1);
    expect(doc!.problems[0]).toMatchObject({ code: 'duplicate-key', key: 'privileged', start: 25 });
  });
});

describe('aliases', () => {
  it('expand normally', () => {
    const [doc] = parseYamlStream('a: &x [1, 2]\nb: *x\n');
    expect(doc!.data).toEqual({ a: [1, 2], b: [1, 2] });
  });

  it('stop a billion-laughs document with an error, not an out-of-memory', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const started = Date.now();
    const [doc] = parseYamlStream(lines.join('\n') + '\n');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(doc!.fatal).toBe(true);
    expect(doc!.problems[0]!.code).toBe('alias-limit');
  });

  it('allow a document with 10,000 small aliases', () => {
    const lines = ['base: &b v'];
    for (let i = 0; i < 10_000; i++) lines.push(`k${i}: *b`);
    const [doc] = parseYamlStream(lines.join('\n') + '\n');
    expect(doc!.fatal).toBe(false);
    expect(Object.keys(doc!.data as object)).toHaveLength(10_001);
  });

  it('report an alias with no anchor', () => {
    const [doc] = parseYamlStream('a: *nothing\n');
    expect(doc!.fatal).toBe(true);
  });
});

describe('manifest loading', () => {
  it('skips and counts YAML that is not a Kubernetes object', () => {
    const r = loadManifestText('foo: bar\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n', src);
    expect(r.skipped).toBe(1);
    expect(r.documents).toHaveLength(1);
  });

  it('expands kind: List (kubectl get -o yaml) and locates items', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n';
    const r = loadManifestText(text, src);
    expect(r.documents).toHaveLength(1);
    expect(r.documents[0]!.locate('/metadata/name')).toMatchObject({ line: 7, column: 5 });
  });

  it('keeps the Helm template named in # Source:', () => {
    const text = '---\n# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n# Source: chart/templates/dep.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n';
    const r = loadManifestText(text, src);
    expect(r.documents.map((d) => d.source.helmSource)).toEqual(['chart/templates/svc.yaml', 'chart/templates/dep.yaml']);
  });

  it('locates the nearest existing parent of a missing field', () => {
    const r = loadManifestText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n', src);
    expect(r.documents[0]!.locate('/spec/securityContext/runAsNonRoot')).toMatchObject({ line: 5, column: 1 });
  });

  it('reports a document that does not parse and goes on with the rest', () => {
    const r = loadManifestText('a: [b\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n', src);
    expect(r.problems.map((p) => p.code)).toEqual(['parse-error']);
    expect(r.problems[0]!.position!.line).toBeGreaterThanOrEqual(1);
    expect(r.documents).toHaveLength(1);
  });

  it('reports binary content and invalid UTF-8', () => {
    expect(loadManifestBytes(Buffer.from([0x61, 0x00, 0x62]), src).problems[0]!.message).toMatch(/binary content \(NUL byte at offset 1\)/);
    expect(loadManifestBytes(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]), src).problems[0]!.message).toMatch(/invalid UTF-8 at byte 3/);
  });

  it('reports an empty file', () => {
    expect(loadManifestText('', src).problems.map((p) => p.code)).toEqual(['empty-file']);
    expect(loadManifestText('# only a comment\n', src).problems.map((p) => p.code)).toEqual(['empty-file']);
  });

  it('survives very deep nesting', () => {
    const text = 'a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
    const r = loadManifestText(text, src);
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('reads JSON manifests', () => {
    const r = loadManifestText('{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"metadata": {"name": "p"}\n}\n', src);
    expect(r.documents).toHaveLength(1);
    expect(r.documents[0]!.locate('/metadata/name')).toMatchObject({ line: 4, column: 15 });
  });
});

describe('__proto__ keys', () => {
  it.each(['block', 'flow'])('stay ordinary data in %s style, on both parse paths', (style) => {
    const text = style === 'block' ? 'a:\n  __proto__:\n    polluted: true\n' : 'a: {__proto__: {polluted: true}}\n';
    for (const doc of [parseYamlStream(text)[0]!, parseYamlStream(`x: &y 1\n${text}`)[0]!]) {
      const a = (doc.data as { a: Record<string, unknown> }).a;
      expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
      expect(Object.keys(a)).toEqual(['__proto__']);
      expect((a as { polluted?: unknown }).polluted).toBeUndefined();
    }
  });
});
