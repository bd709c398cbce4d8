// A compact set of paths: 8 bytes a path (a 53-bit hash in a sorted Float64Array) instead of a
// JavaScript string in a Set. Every layer keeps one of every path it writes, so that a file seen in
// layer N can be found overwritten in a later layer whatever order the layers were read in, with
// memory that grows by 8 bytes per entry and not with the size of the image. A false "has" needs
// two paths with the same 53-bit hash (about 1 in 10^10 for a million entries), and would at worst
// hide one file-level finding.

/** cyrb53 (public domain, bryc): a fast 53-bit string hash. */
export function hashPath(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class PathSet {
  private items = new Float64Array(64);
  private n = 0;
  private sealed = true;

  get size(): number {
    return this.n;
  }

  add(path: string): void {
    if (this.n === this.items.length) {
      const grown = new Float64Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.n++] = hashPath(path);
    this.sealed = false;
  }

  /** Sort and drop duplicates; called before lookups (lookups seal on demand). */
  seal(): void {
    if (this.sealed) return;
    const view = this.items.subarray(0, this.n).sort();
    let w = 0;
    for (let r = 0; r < view.length; r++) if (r === 0 || view[r] !== view[w - 1]) view[w++] = view[r]!;
    this.n = w;
    // Give back the slack of the doubling growth.
    this.items = this.items.slice(0, Math.max(w, 1));
    this.sealed = true;
  }

  has(path: string): boolean {
    this.seal();
    const h = hashPath(path);
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.items[mid]!;
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
