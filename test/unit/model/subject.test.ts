import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocumentSubject } from '../../../src/model/subject.js';
import type { LoadedDocument } from '../../../src/model/types.js';

const doc: LoadedDocument = { data: {}, source: { kind: 'file', path: 'x.yaml' }, locate: () => undefined };
const subject = () => new DocumentSubject('container', {}, 'k', doc, '/spec/containers/0');

describe('DocumentSubject origins', () => {
  it('maps a path to the pointer recorded for it or for its nearest recorded parent', () => {
    const s = subject().origin('/argv/0', '/spec/containers/0/command/0').origin('/securityContext', '/spec/securityContext');
    expect(s.pointerFor('/argv/0')).toBe('/spec/containers/0/command/0');
    expect(s.pointerFor('/securityContext/runAsUser')).toBe('/spec/securityContext/runAsUser');
    expect(s.pointerFor('/image')).toBe('/spec/containers/0/image');
    expect(subject().pointerFor('/image/tag')).toBe('/spec/containers/0/image/tag');
  });

  it('lets the last pointer recorded for a path win, listed once where first recorded', () => {
    const s = subject().origin('/a', '/x').origin('/b', '/y').origin('/a', '/z');
    expect(s.pointerFor('/a/c')).toBe('/z/c');
    expect(s.originEntries()).toEqual([['/a', '/z'], ['/b', '/y']]);
  });

  it('answers the same once past the pairs it searches in a row (an index takes over)', () => {
    const s = subject();
    for (let i = 0; i < 500; i++) s.origin(`/argv/${i}`, `/spec/containers/0/args/${i}`);
    s.origin('/argv/7', '/spec/containers/0/command/0');
    expect(s.pointerFor('/argv/499')).toBe('/spec/containers/0/args/499');
    expect(s.pointerFor('/argv/7')).toBe('/spec/containers/0/command/0');
    expect(s.pointerFor('/argv/500')).toBe('/spec/containers/0/argv/500');
    expect(s.originEntries()).toHaveLength(500);
    expect(s.originEntries()[7]).toEqual(['/argv/7', '/spec/containers/0/command/0']);
  });

  it('finds what a walk up the path through a table of origins finds, for any origins and path', () => {
    // The reference: the path, then each prefix ending before a `/`, looked up in a Map where the
    // last pointer recorded for a path wins.
    const walk = (origins: Array<[string, string]>, base: string, instancePath: string): string => {
      const table = new Map(origins);
      let path = instancePath;
      let rest = '';
      for (;;) {
        const found = table.get(path);
        if (found !== undefined) return found + rest;
        const i = path.lastIndexOf('/');
        if (i < 0) return base + instancePath;
        rest = path.slice(i) + rest;
        path = path.slice(0, i);
      }
    };
    const path = fc.array(fc.constantFrom('a', 'b', 'ab', '0', '', 'a~1b'), { maxLength: 4 }).map((segs) => segs.map((x) => `/${x}`).join(''));
    const origins = fc.array(fc.tuple(fc.oneof(path, fc.constantFrom('', 'a', '/a/')), fc.constantFrom('/p', '/q/r', '')), { maxLength: 60 });
    fc.assert(
      fc.property(origins, path, (pairs, instancePath) => {
        const s = subject();
        for (const [p, q] of pairs) s.origin(p, q);
        expect(s.pointerFor(instancePath)).toBe(walk(pairs, '/spec/containers/0', instancePath));
      }),
      { numRuns: 2000 },
    );
  });
});
