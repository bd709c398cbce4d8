// Which of many strings occur in a long text, in one pass over the text: `needles.filter((n) =>
// text.includes(n))` costs a scan per needle, which for thousands of secrets over a report of
// tens of megabytes is minutes (bench/README.md); a rolling hash of a short window finds the
// candidates at each position instead.

const WINDOW = 6;
const BASE = 31;

/** The needles that occur in `text`. */
export function occurring(text: string, needles: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const byHash = new Map<number, string[]>();
  let pending = 0;
  const seen = new Set<string>();
  for (const n of needles) {
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.length < WINDOW) {
      // Too short for the window: few and cheap, test them directly.
      if (text.includes(n)) found.add(n);
      continue;
    }
    const h = hash(n, 0);
    const list = byHash.get(h);
    if (list) list.push(n);
    else byHash.set(h, [n]);
    pending++;
  }
  if (pending === 0 || text.length < WINDOW) return found;
  // A bit per 20-bit slice of the hash: most positions are ruled out without a Map lookup.
  const maybe = new Uint8Array(1 << 17);
  for (const h of byHash.keys()) {
    const b = slice(h);
    maybe[b >>> 3]! |= 1 << (b & 7);
  }
  // BASE^(WINDOW-1), to take the leaving character out of the hash.
  let top = 1;
  for (let i = 1; i < WINDOW; i++) top = Math.imul(top, BASE);
  let h = hash(text, 0);
  for (let i = 0; ; i++) {
    const b = slice(h);
    const candidates = maybe[b >>> 3]! & (1 << (b & 7)) ? byHash.get(h) : undefined;
    if (candidates) {
      for (let k = 0; k < candidates.length; k++) {
        const n = candidates[k]!;
        if (text.startsWith(n, i)) {
          found.add(n);
          candidates.splice(k--, 1);
          if (--pending === 0) return found;
        }
      }
    }
    if (i + WINDOW >= text.length) break;
    h = (Math.imul(h - Math.imul(text.charCodeAt(i), top), BASE) + text.charCodeAt(i + WINDOW)) | 0;
  }
  return found;
}

function hash(s: string, at: number): number {
  let h = 0;
  for (let i = 0; i < WINDOW; i++) h = (Math.imul(h, BASE) + s.charCodeAt(at + i)) | 0;
  return h;
}

function slice(h: number): number {
  return (Math.imul(h, 0x9e3779b1) >>> 12) & 0xfffff;
}
