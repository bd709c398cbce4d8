// Dockerfile text as BuildKit reads it: line continuations (the escape character at the end of a
// line) join lines, comment and blank lines inside a continued instruction are dropped, and
// here-document bodies are kept verbatim. Every character of the joined text remembers its offset
// in the file, so that anything found in it can be located where the user wrote it.

import { LineIndex } from '../../util/line-index.js';

/** The file's text with dockerfile-ast's 0-based line/character positions mapped to offsets. */
export class SourceText extends LineIndex {
  /** Offset of a 0-based line and character (dockerfile-ast positions). */
  offset(line: number, character: number): number {
    const starts = this.lineStarts;
    const start = starts[Math.min(line, starts.length - 1)] ?? 0;
    return Math.min(start + character, this.text.length);
  }

  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    return next === undefined ? this.text.length : next - 1;
  }
}

/**
 * Joined text plus where each of its characters came from: segment k covers text indices
 * [starts[k], starts[k+1]) and maps them to file offsets files[k] + (i - starts[k]).
 */
export interface Joined {
  text: string;
  starts: number[];
  files: number[];
}

/** File offset of index `i` of a joined text (one past the last character for i == text.length). */
export function fileOffset(j: Joined, i: number): number {
  const { starts, files } = j;
  if (!starts.length) return 0;
  if (i >= j.text.length && j.text.length > 0) return fileOffset(j, j.text.length - 1) + 1;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return files[lo]! + (i - starts[lo]!);
}

/** The joined text from index `from` on (same mapping). */
export function sliceJoined(j: Joined, from: number): Joined {
  if (from <= 0) return j;
  const starts: number[] = [];
  const files: number[] = [];
  for (let k = 0; k < j.starts.length; k++) {
    const a = j.starts[k]!;
    const b = k + 1 < j.starts.length ? j.starts[k + 1]! : Infinity;
    if (b <= from) continue;
    const at = Math.max(a, from);
    starts.push(at - from);
    files.push(j.files[k]! + (at - a));
  }
  return { text: j.text.slice(from), starts, files };
}

/**
 * Join the lines of one instruction from `start` to `end` (file offsets): a line ending in the
 * escape character (then blanks) continues on the next; while continued, comment and blank lines
 * are skipped. Here-document bodies ([from, to) offsets) are copied as they are, newline included.
 */
export function joinLines(src: SourceText, start: number, end: number, escape: string, bodies: Array<[number, number]> = []): Joined {
  const text = src.text;
  const parts: string[] = [];
  const starts: number[] = [];
  const files: number[] = [];
  let length = 0;
  const copy = (from: number, to: number) => {
    if (to <= from) return;
    // Extend the previous segment when the file text continues it.
    const last = starts.length - 1;
    if (last < 0 || files[last]! + (length - starts[last]!) !== from) {
      starts.push(length);
      files.push(from);
    }
    parts.push(text.slice(from, to));
    length += to - from;
  };
  let pos = start;
  let continued = false;
  let body = 0;
  while (pos < end) {
    if (body < bodies.length && pos >= bodies[body]![0]) {
      const [, to] = bodies[body++]!;
      const stop = Math.min(to, end);
      copy(pos, stop);
      pos = Math.max(pos, stop);
      continued = false;
      continue;
    }
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > end) nl = end;
    const nextBody = body < bodies.length ? bodies[body]![0] : Infinity;
    const lineEnd = Math.min(nl, nextBody);
    if (continued) {
      let k = pos;
      while (k < lineEnd && (text[k] === ' ' || text[k] === '\t')) k++;
      if (k === lineEnd || text[k] === '#') {
        pos = nl + 1;
        continue;
      }
    }
    // Does the line end in the escape character followed only by blanks?
    let e = lineEnd;
    while (e > pos && (text[e - 1] === ' ' || text[e - 1] === '\t')) e--;
    const joins = lineEnd === nl && nl < end && e > pos && text[e - 1] === escape;
    if (joins) {
      copy(pos, e - 1);
      continued = true;
      pos = nl + 1;
    } else {
      continued = false;
      // The newline itself belongs to the text (it separates shell commands).
      copy(pos, lineEnd === nl && nl < end ? nl + 1 : lineEnd);
      pos = lineEnd === nl ? nl + 1 : lineEnd;
    }
  }
  return { text: parts.length === 1 ? parts[0]! : parts.join(''), starts, files };
}

export interface Word {
  /** As written (quotes and escapes kept). */
  raw: string;
  /** Index in the joined text. */
  start: number;
  end: number;
}

/** Split on blanks outside quotes, as BuildKit splits instruction arguments. */
export function splitWords(s: string, escape: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  const n = s.length;
  const blank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
  while (i < n) {
    while (i < n && blank(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let quote = '';
    while (i < n) {
      const c = s[i]!;
      if (quote) {
        if (c === escape && quote === '"' && i + 1 < n) i += 2;
        else {
          if (c === quote) quote = '';
          i++;
        }
      } else if (c === escape && i + 1 < n) i += 2;
      else if (c === '"' || c === "'") {
        quote = c;
        i++;
      } else if (blank(s.charCodeAt(i))) break;
      else i++;
    }
    words.push({ raw: s.slice(start, i), start, end: i });
  }
  return words;
}

/** A variable's value: a string, null when declared without a known value, undefined when not declared. */
export type Lookup = (name: string) => string | null | undefined;

export interface Expanded {
  value: string;
  /** Every variable had a known value. */
  resolved: boolean;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * BuildKit's word processing for instructions other than RUN/CMD/ENTRYPOINT: quotes removed,
 * escapes applied, `$NAME`, `${NAME}` and `${NAME:-word}`/`${NAME:+word}` (with or without the
 * colon) expanded. `undeclared` says what a variable with no declaration becomes: '' (FROM, where
 * only global ARGs exist) or unknown (elsewhere, where the base image's ENV also counts).
 */
export function processWord(raw: string, escape: string, lookup: Lookup, undeclared: 'empty' | 'unknown' = 'unknown'): Expanded {
  let resolved = true;
  let i = 0;
  const n = raw.length;

  const variable = (): string => {
    // raw[i] === '$'
    i++;
    if (i >= n) return '$';
    const value = (name: string): string | null => {
      const v = lookup(name);
      if (v === undefined) return undeclared === 'empty' ? '' : null;
      return v;
    };
    if (raw[i] === '{') {
      const close = matchingBrace(raw, i);
      if (close < 0) {
        resolved = false;
        const rest = raw.slice(i - 1);
        i = n;
        return rest;
      }
      const inner = raw.slice(i + 1, close);
      const text = raw.slice(i - 1, close + 1);
      i = close + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+?])(.*))?$/s.exec(inner);
      if (!m) {
        resolved = false;
        return text;
      }
      const [, name, colon, op, word] = m;
      const known = lookup(name!);
      // Declared without a known value (a build argument), or possibly set by the base image.
      if (known === null || (known === undefined && undeclared === 'unknown')) {
        resolved = false;
        return text;
      }
      const set = known !== undefined;
      const v = known ?? '';
      const sub = (): string => {
        const r = processWord(word ?? '', escape, lookup, undeclared);
        if (!r.resolved) resolved = false;
        return r.value;
      };
      if (op === '-') return (colon ? set && v !== '' : set) ? v : sub();
      if (op === '+') return (colon ? set && v !== '' : set) ? sub() : '';
      return v;
    }
    if (NAME_START.test(raw[i]!)) {
      const s = i;
      while (i < n && NAME_CHAR.test(raw[i]!)) i++;
      const name = raw.slice(s, i);
      const v = value(name);
      if (v === null) {
        resolved = false;
        return `$${name}`;
      }
      return v;
    }
    return '$';
  };

  let out = '';
  while (i < n) {
    const c = raw[i]!;
    if (c === escape) {
      if (i + 1 < n) out += raw[i + 1];
      i += 2;
    } else if (c === "'") {
      const close = raw.indexOf("'", i + 1);
      const stop = close < 0 ? n : close;
      out += raw.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < n && raw[i] !== '"') {
        const d = raw[i]!;
        if (d === escape && i + 1 < n) {
          const e = raw[i + 1]!;
          out += e === '"' || e === '$' || e === escape ? e : d + e;
          i += 2;
        } else if (d === '$') out += variable();
        else {
          out += d;
          i++;
        }
      }
      i++;
    } else if (c === '$') out += variable();
    else {
      out += c;
      i++;
    }
  }
  return { value: out, resolved };
}

/** Index of the `}` closing the `{` at `open`, counting nested `${…}`; -1 if none. */
function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
