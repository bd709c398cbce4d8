// RFC 6901 JSON pointers: the field paths that findings, origins and fingerprints use.

export function escapeSegment(segment: string | number): string {
  const s = String(segment);
  // Most segments need no escaping: skip the two replaces.
  if (!s.includes('~') && !s.includes('/')) return s;
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(segment: string): string {
  if (!segment.includes('~')) return segment;
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  const segments = pointer.slice(1).split('/');
  return pointer.includes('~') ? segments.map(unescapeSegment) : segments;
}

export function joinPointer(base: string, ...segments: Array<string | number>): string {
  let out = base;
  for (const s of segments) out += '/' + escapeSegment(s);
  return out;
}

/** Join a base pointer with a relative path written with plain slashes (`spec/containers`). */
export function joinRelative(base: string, relative: string): string {
  if (!relative) return base;
  return base + '/' + relative;
}

export function getAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const seg of parsePointer(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/**
 * Expand a pointer pattern whose `*` segments match every array item or map value; yields the
 * concrete pointers that exist in `root`, with the value found there.
 */
export function* expandPattern(root: unknown, pattern: string): Generator<[string, unknown]> {
  const segments = parsePointer(pattern);
  function* walk(node: unknown, i: number, at: string): Generator<[string, unknown]> {
    if (i === segments.length) {
      if (node !== undefined && node !== null) yield [at, node];
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const seg = segments[i]!;
    if (seg === '*') {
      if (Array.isArray(node)) {
        for (let k = 0; k < node.length; k++) yield* walk(node[k], i + 1, joinPointer(at, k));
      } else {
        for (const [k, v] of Object.entries(node)) yield* walk(v, i + 1, joinPointer(at, k));
      }
    } else {
      yield* walk((node as Record<string, unknown>)[seg], i + 1, joinPointer(at, seg));
    }
  }
  yield* walk(root, 0, '');
}
