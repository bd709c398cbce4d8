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

/** The longest prefix of `pointer` that exists in `root` (through objects, not arrays). */
export function existingPrefix(root: unknown, pointer: string): string {
  let at = '';
  let cur = root;
  for (const seg of parsePointer(pointer)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(seg in cur)) break;
    cur = (cur as Record<string, unknown>)[seg];
    at += `/${escapeSegment(seg)}`;
  }
  return at;
}

export function getAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  // The common case (no escapes) walks the segments without building an array.
  if (pointer[0] === '/' && !pointer.includes('~')) {
    let cur = root;
    let start = 1;
    for (;;) {
      if (cur === null || typeof cur !== 'object') return undefined;
      const end = pointer.indexOf('/', start);
      cur = (cur as Record<string, unknown>)[end < 0 ? pointer.slice(start) : pointer.slice(start, end)];
      if (end < 0) return cur;
      start = end + 1;
    }
  }
  let cur = root;
  for (const seg of parsePointer(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/**
 * Expand a pointer pattern whose `*` segments match every array item or map value; returns the
 * concrete pointers that exist in `root`, with the value found there, in document order.
 */
export function expandPattern(root: unknown, pattern: string): Array<[string, unknown]> {
  const segments = parsePointer(pattern);
  const out: Array<[string, unknown]> = [];
  const walk = (node: unknown, i: number, at: string): void => {
    if (i === segments.length) {
      if (node !== undefined && node !== null) out.push([at, node]);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const seg = segments[i]!;
    if (seg === '*') {
      if (Array.isArray(node)) {
        for (let k = 0; k < node.length; k++) walk(node[k], i + 1, joinPointer(at, k));
      } else {
        for (const [k, v] of Object.entries(node)) walk(v, i + 1, joinPointer(at, k));
      }
    } else {
      walk((node as Record<string, unknown>)[seg], i + 1, joinPointer(at, seg));
    }
  };
  walk(root, 0, '');
  return out;
}
