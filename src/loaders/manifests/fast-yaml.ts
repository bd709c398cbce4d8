// A hand-written, line-oriented parser for the subset of YAML that Kubernetes manifests use:
// block mappings and sequences, plain and quoted scalars (multi-line too), one-line flow
// collections, literal and folded block scalars, comments, `---` and `...`. It gives exactly
// what the `yaml` library path of yaml.ts gives (data, offsets, duplicate-key problems,
// start/end, the ranges that decide where a `# Source:` comment belongs) several times faster,
// and hands any document it is not sure about back to that path by throwing BAIL: anchors,
// aliases, tags, complex or merge keys, tabs, multi-line flows, empty block scalars, odd
// indentation, directives, errors of any kind.
//
// Offsets follow the library's node ranges: a pair spans its key to the end of its value; a
// collection ends where its last value's trailing comment and newline end, and the comment
// lines after a collection's last item belong to it or to an outer collection by the same
// indentation rules as the library's parser (see `scan` and `close`).

import { addField, OffsetIndex, type MapOffsets, type SeqOffsets } from './offsets.js';
import type { YamlDocument, YamlProblem } from './yaml.js';
import { BAIL, Bail, resolvePlain, setKey } from './yaml-scalars.js';

/** One document: parsed here, or the slice of the text the library must parse. */
export type FastSegment = { doc: YamlDocument; range2: number } | { from: number; to: number; index: number };

// Characters the fast path never handles: tabs, control characters (including C1 and the
// YAML 1.1 line breaks NEL, LS and PS), a BOM after the first character, a CR without LF.
const UNSURE_CHARS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]|\r(?!\n)/g;

const SP = 0x20;
const NL = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DQ = 0x22;
const SQ = 0x27;
const COMMA = 0x2c;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const BACKSLASH = 0x5c;

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

/** Nesting the fast path handles; deeper documents go to the library (and its depth limit). */
const MAX_FAST_DEPTH = 64;

/**
 * Split a YAML stream into documents and parse those it can. Returns undefined when the
 * stream as a whole is better left to the library (directives, `...` followed by a document
 * without `---`, stray document-end markers).
 */
export function fastParseStream(text: string, maxDepth: number): FastSegment[] | undefined {
  const out: FastSegment[] = [];
  const depthLimit = Math.min(MAX_FAST_DEPTH, maxDepth);
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let index = 0;
  let unsureAt = -2; // next position of an UNSURE_CHARS match at or after the last search start
  const unsureIn = (from: number, to: number): boolean => {
    if (unsureAt !== -1 && unsureAt < from) {
      UNSURE_CHARS.lastIndex = from;
      const m = UNSURE_CHARS.exec(text);
      unsureAt = m ? m.index : -1;
    }
    return unsureAt !== -1 && unsureAt < to;
  };

  // Stream level: trivia, then a document (`---` or content), `...` is an error here.
  let implicitAllowed = true;
  for (;;) {
    // Skip trivia lines before the next document.
    let ls = pos;
    let docStart = -1;
    let explicit = false;
    while (ls < n) {
      const kind = lineKind(text, ls);
      if (kind === LINE_TRIVIA) {
        ls = nextLine(text, ls);
        continue;
      }
      if (kind === LINE_DOC_START) {
        docStart = ls;
        explicit = true;
      } else if (kind === LINE_CONTENT && implicitAllowed) {
        if (text.charCodeAt(ls) === 0x25) return undefined; // % directive
        docStart = ls;
      } else return undefined; // `...` with no document, or a document after `...` without `---`
      break;
    }
    if (docStart === -1) break;
    implicitAllowed = false;
    // The body runs to the next `---` or `...` line.
    const bodyStart = explicit ? nextLine(text, docStart) : docStart;
    let end = bodyStart;
    while (end < n) {
      const c = text.charCodeAt(end);
      if ((c === DASH || c === 0x2e) && isMarker(text, end)) break;
      end = nextLine(text, end);
    }
    const endsWithDots = end < n && text.charCodeAt(end) === 0x2e;
    // What the library would parse for this document alone: up to the next `---`.
    let sliceEnd = end;
    let range2End = -1;
    if (endsWithDots) {
      if (!markerLineIsClean(text, end)) return undefined;
      range2End = nextLine(text, end);
      // Only trivia may follow `...` before the next `---`.
      let ls2 = range2End;
      while (ls2 < n && lineKind(text, ls2) === LINE_TRIVIA) ls2 = nextLine(text, ls2);
      if (ls2 < n && lineKind(text, ls2) !== LINE_DOC_START) return undefined;
      sliceEnd = ls2;
    }
    const from = index === 0 ? 0 : docStart;
    let segment: FastSegment;
    if (unsureIn(Math.max(from, text.charCodeAt(0) === 0xfeff ? 1 : 0), sliceEnd) || (explicit && !markerLineIsClean(text, docStart))) {
      segment = { from, to: sliceEnd, index };
    } else {
      try {
        const p = new DocumentParser(text, end, depthLimit);
        const parsed = p.document(index, explicit ? docStart : -1, bodyStart);
        if (range2End !== -1) parsed.range2 = range2End;
        segment = parsed;
      } catch (err) {
        if (!(err instanceof Bail)) throw err;
        segment = { from, to: sliceEnd, index };
      }
    }
    out.push(segment);
    index++;
    pos = sliceEnd;
    if (pos >= n) break;
  }
  return out;
}

const LINE_TRIVIA = 0;
const LINE_CONTENT = 1;
const LINE_DOC_START = 2;
const LINE_DOC_END = 3;

function nextLine(text: string, ls: number): number {
  const i = text.indexOf('\n', ls);
  return i === -1 ? text.length : i + 1;
}

/** `---` or `...` at `at` followed by a space, a line break or the end. */
function isMarker(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (text.charCodeAt(at + 1) !== c || text.charCodeAt(at + 2) !== c) return false;
  const d = text.charCodeAt(at + 3);
  return Number.isNaN(d) || d === SP || d === NL || d === CR || d === 0x09;
}

/** A marker line holding nothing but the marker, spaces and a comment. */
function markerLineIsClean(text: string, ls: number): boolean {
  let i = ls + 3;
  const le = lineContentEnd(text, ls);
  while (i < le && text.charCodeAt(i) === SP) i++;
  return i === le || (text.charCodeAt(i) === HASH && i > ls + 3);
}

function lineContentEnd(text: string, ls: number): number {
  let le = text.indexOf('\n', ls);
  if (le === -1) le = text.length;
  else if (le > ls && text.charCodeAt(le - 1) === CR) le--;
  return le;
}

function lineKind(text: string, ls: number): number {
  let i = ls;
  const n = text.length;
  while (i < n && text.charCodeAt(i) === SP) i++;
  const c = text.charCodeAt(i);
  if (i >= n || c === NL || (c === CR && text.charCodeAt(i + 1) === NL) || c === HASH) return LINE_TRIVIA;
  if (i === ls && (c === DASH || c === 0x2e) && isMarker(text, ls)) return c === DASH ? LINE_DOC_START : LINE_DOC_END;
  return LINE_CONTENT;
}

class DocumentParser {
  private readonly problems: YamlProblem[] = [];
  private offsets!: OffsetIndex;

  // The line being read: start, content end (before CR LF) and end (after the LF).
  private ls = 0;
  private ce = 0;
  private le = 0;

  // The node just parsed: start, end of its value (range[1]) and of its trailing comment and
  // line break (range[2]).
  private vs = 0;
  private v1 = 0;
  private v2 = 0;

  // Trivia lines (blank, comment) after the last item, not yet owned by a collection: the
  // library's key-less "start" item that closing collections hand to their parents.
  private sStart = 0;
  private sEnd = 0;
  private sMaxComment = -1;
  private sComments = false;

  // The next content line: its indentation and first character, or none (end of document).
  private nEnd = true;
  private nIndent = 0;
  private nAt = 0;
  private nLs = 0; // the start of its line

  // Key just read.
  private kEnd = 0;
  private kAfter = 0;

  constructor(
    private readonly text: string,
    /** End of the document's body (a `---`/`...` line or the end of the text). */
    private readonly end: number,
    private readonly maxDepth: number,
  ) {}

  document(index: number, markerAt: number, bodyStart: number): { doc: YamlDocument; range2: number } {
    const text = this.text;
    // A manifest needs about one cell per six characters (bench corpus: 2.9 M cells for 16.6 M
    // characters): one per four makes one allocation of most documents' offsets.
    this.offsets = new OffsetIndex((this.end - bodyStart) >> 2, true);
    const doc: YamlDocument = { index, data: undefined, empty: false, fatal: false, problems: this.problems, start: 0, end: 0, offsets: this.offsets };
    this.scan(bodyStart, -1, false);
    if (this.nEnd) {
      if (markerAt < 0) throw BAIL;
      // An empty document sits just after `---` and its spaces; with a comment its range runs
      // to the end of the comments.
      let p = markerAt + 3;
      while (p < this.end && text.charCodeAt(p) === SP) p++;
      const comment = text.charCodeAt(p) === HASH || this.sComments;
      doc.empty = true;
      doc.start = doc.end = p;
      this.offsets.seal();
      return { doc, range2: comment ? this.end : p };
    }
    if (this.nIndent !== 0) throw BAIL;
    this.lineAt(this.nAt, this.nLs);
    // The library reads a sequence on the BOM's line as an error.
    if (this.ls === 1 && this.isDash(this.nAt)) throw BAIL;
    const data = this.isDash(this.nAt) ? this.seq(0, this.nAt, 0) : this.map(0, this.nAt, 0);
    if (!this.nEnd) throw BAIL;
    doc.data = data;
    this.offsets.root = this.offsets.blockOf(data);
    this.offsets.seal();
    doc.start = this.vs;
    doc.end = this.v1;
    // Trivia after the top-level collection (indent 0) always move to the document's end.
    return { doc, range2: this.sEnd > this.sStart ? this.sEnd : this.v2 };
  }

  /** Make the line holding `at` the current one; `ls`, its start, when the caller knows it (a scan just found the line). */
  private lineAt(at: number, ls = this.text.lastIndexOf('\n', at - 1) + 1): void {
    const text = this.text;
    this.ls = ls;
    // A BOM before the first line is not indentation.
    if (this.ls === 0 && text.charCodeAt(0) === 0xfeff) this.ls = 1;
    const lf = text.indexOf('\n', at);
    if (lf === -1) {
      this.ce = this.le = text.length;
    } else {
      this.le = lf + 1;
      this.ce = text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
    }
  }

  /**
   * Read trivia lines from `from` (a line start) to the next content line. With `absorb`, the
   * node just parsed keeps the comment lines more indented than `ci` (its collection) that come
   * first, as the library's parser appends them to the node's end; the rest are pending
   * trivia (S) that `close` gives to a collection.
   */
  private scan(from: number, ci: number, absorb: boolean): void {
    const text = this.text;
    const end = this.end;
    let absorbing = absorb;
    let ls = from;
    this.sStart = from;
    this.sMaxComment = -1;
    this.sComments = false;
    while (ls < end) {
      let i = ls;
      while (i < end && text.charCodeAt(i) === SP) i++;
      const c = text.charCodeAt(i);
      if (i < end && c !== NL && c !== CR && c !== HASH) {
        this.nEnd = false;
        this.nIndent = i - ls;
        this.nAt = i;
        this.nLs = ls;
        this.sEnd = i;
        return;
      }
      const next = nextLine(text, ls);
      if (c === HASH && i < end) {
        this.sComments = true;
        const indent = i - ls;
        if (absorbing && indent > ci) {
          this.v2 = next > end ? end : next;
          this.sStart = this.v2;
        } else {
          absorbing = false;
          if (indent > this.sMaxComment) this.sMaxComment = indent;
        }
      }
      ls = next;
    }
    this.nEnd = true;
    this.sEnd = end;
  }

  /** Close a collection at `indent` spanning [start, end1): decide who owns pending trivia. */
  private close(indent: number, start: number, end1: number): void {
    this.vs = start;
    this.v1 = end1;
    this.v2 = end1;
    if (this.sEnd > this.sStart && indent !== 0 && this.sMaxComment >= indent) {
      // A comment at or beyond this collection's indentation: the trivia stay here.
      this.v2 = this.sEnd;
      this.sStart = this.sEnd;
    }
  }

  private isDash(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const d = this.text.charCodeAt(at + 1);
    return at + 1 >= this.end || d === SP || d === NL || (d === CR && this.text.charCodeAt(at + 2) === NL);
  }

  private map(indent: number, keyAt: number, depth: number): Record<string, unknown> {
    if (depth >= this.maxDepth) throw BAIL;
    const obj: Record<string, unknown> = {};
    const offs: MapOffsets = [];
    const start = keyAt;
    let end1: number;
    for (;;) {
      const key = this.key(keyAt);
      const kStart = keyAt;
      const duplicate = Object.hasOwn(obj, key);
      if (duplicate) {
        this.problems.push({
          code: 'duplicate-key',
          message: `duplicate key "${key}": Kubernetes keeps only one of the values`,
          start: kStart,
          end: this.kEnd,
          key,
        });
      }
      const value = this.mapValue(indent, this.kAfter, depth + 1);
      setKey(obj, key, value);
      addField(offs, key, kStart, this.v1, this.offsets.blockOf(value), duplicate);
      end1 = this.v2;
      if (this.nEnd || this.nIndent < indent) break;
      if (this.nIndent > indent || this.isDash(this.nAt)) throw BAIL;
      keyAt = this.nAt;
      this.lineAt(this.nAt, this.nLs);
    }
    this.offsets.addMap(obj, offs);
    this.close(indent, start, end1);
    return obj;
  }

  private seq(indent: number, dashAt: number, depth: number): unknown[] {
    if (depth >= this.maxDepth) throw BAIL;
    const text = this.text;
    const arr: unknown[] = [];
    const offs: SeqOffsets = [];
    const start = dashAt;
    let end1: number;
    for (;;) {
      let c = dashAt + 1;
      while (c < this.ce && text.charCodeAt(c) === SP) c++;
      if (c >= this.ce || text.charCodeAt(c) === HASH) {
        // `-` alone (or with a comment): the item's node starts on a deeper line.
        this.scan(this.le, -1, false);
        if (this.nEnd || this.nIndent <= indent) throw BAIL; // an empty item
        this.lineAt(this.nAt, this.nLs);
        arr.push(this.isDash(this.nAt) ? this.seq(this.nIndent, this.nAt, depth + 1) : this.map(this.nIndent, this.nAt, depth + 1));
      } else if (this.isDash(c)) {
        throw BAIL;
      } else if (this.isKeyLine(c)) {
        arr.push(this.map(c - this.ls, c, depth + 1));
      } else {
        arr.push(this.leaf(c, indent, depth + 1));
        this.scan(this.le, indent, this.keepsTrailing);
      }
      offs.push(this.vs, this.v1, this.offsets.blockOf(arr[arr.length - 1]));
      end1 = this.v2;
      if (this.nEnd || this.nIndent < indent) break;
      if (this.nIndent > indent) throw BAIL;
      if (!this.isDash(this.nAt)) break; // a key of the mapping this sequence is a value of
      dashAt = this.nAt;
      this.lineAt(this.nAt, this.nLs);
    }
    this.offsets.addSeq(arr, offs);
    this.close(indent, start, end1);
    return arr;
  }

  /** The value after `key:` (at `after`) of a mapping at `indent`. */
  private mapValue(indent: number, after: number, depth: number): unknown {
    const text = this.text;
    let p = after;
    while (p < this.ce && text.charCodeAt(p) === SP) p++;
    if (p < this.ce && text.charCodeAt(p) !== HASH) {
      const v = this.leaf(p, indent, depth);
      this.scan(this.le, indent, this.keepsTrailing);
      return v;
    }
    const sameLineComment = p < this.ce;
    this.scan(this.le, -1, false);
    if (!this.nEnd && (this.nIndent > indent || (this.nIndent === indent && this.isDash(this.nAt)))) {
      this.lineAt(this.nAt, this.nLs);
      return this.isDash(this.nAt) ? this.seq(this.nIndent, this.nAt, depth) : this.map(this.nIndent, this.nAt, depth);
    }
    // An empty value sits after the `:` and its spaces. With a comment its range would reach
    // further (and the comment could move); leave those to the library.
    if (sameLineComment || this.sComments) throw BAIL;
    this.vs = this.v1 = this.v2 = p;
    this.sStart = this.sEnd; // trivia went to the pair's separator, not to a collection
    return null;
  }

  /** Whether the node just parsed by `leaf` keeps trailing comment lines (see `scan`). */
  private keepsTrailing = false;

  /** A scalar, flow collection or block scalar starting at `p` on the current line. */
  private leaf(p: number, ownerIndent: number, depth: number): unknown {
    const text = this.text;
    const c = text.charCodeAt(p);
    let value: unknown;
    this.vs = p;
    this.keepsTrailing = true;
    if (c === DQ || c === SQ) {
      value = this.quoted(p, ownerIndent);
    } else if (c === LBRACK || c === LBRACE) {
      if (depth >= this.maxDepth) throw BAIL;
      value = c === LBRACK ? this.flowSeq(p, depth) : this.flowMap(p, depth);
      this.vs = p;
    } else if (c === 0x7c || c === 0x3e) {
      value = this.blockScalar(p, ownerIndent);
      this.keepsTrailing = false;
      return value;
    } else {
      value = this.plain(p, ownerIndent);
    }
    // Only spaces and a comment may follow on the (last) line.
    let i = this.v1;
    while (i < this.ce && text.charCodeAt(i) === SP) i++;
    if (i < this.ce && (text.charCodeAt(i) !== HASH || i === this.v1)) throw BAIL;
    this.v2 = this.le;
    return value;
  }

  /**
   * A plain scalar in block context: to the end of the line or a ` #` comment, and on to the
   * following lines indented deeper than its owner (a key or `-` at `ownerIndent`), which fold
   * into it. Leaves the current line at its last line.
   */
  private plain(p: number, ownerIndent: number): unknown {
    const text = this.text;
    const c = text.charCodeAt(p);
    if (!plainStart(c, text.charCodeAt(p + 1))) throw BAIL;
    let from = p;
    let end = p;
    let lines = 0;
    for (;;) {
      let last = -1;
      let comment = false;
      const ce = this.ce;
      for (let i = from; i < ce; i++) {
        const ch = text.charCodeAt(i);
        if (ch === SP) {
          if (text.charCodeAt(i + 1) === HASH) {
            comment = true;
            break;
          }
          continue;
        }
        // `a: b: c` is an error and `a: b:` a nested mapping: the library's to judge.
        if (ch === COLON && (i + 1 === ce || text.charCodeAt(i + 1) === SP)) throw BAIL;
        last = i;
      }
      end = last + 1;
      if (comment) break;
      // Another line of the same scalar: blank lines, then one indented deeper than the owner
      // that is not a comment.
      let ls = this.le;
      let next = -1;
      while (ls < this.end) {
        let j = ls;
        while (j < this.end && text.charCodeAt(j) === SP) j++;
        if (j >= this.end) break;
        const d = text.charCodeAt(j);
        if (d === NL || (d === CR && text.charCodeAt(j + 1) === NL)) {
          ls = nextLine(text, ls);
          continue;
        }
        if (j - ls > ownerIndent && d !== HASH) next = j;
        break;
      }
      if (next < 0) break;
      this.lineAt(next);
      from = next;
      lines++;
    }
    this.v1 = end;
    const source = text.slice(p, end);
    return resolvePlain(lines > 0 ? unfold(source) : source, false);
  }

  /**
   * A quoted scalar; sets v1 after the closing quote. With an `ownerIndent` (block context) it
   * may go on to following lines indented deeper than the owner, and the current line becomes
   * the one with the closing quote; keys and flow nodes must close on their line.
   */
  private quoted(p: number, ownerIndent = -1): string {
    const text = this.text;
    const single = text.charCodeAt(p) === SQ;
    let i = p + 1;
    let multiLine = false;
    for (;;) {
      if (i >= this.ce) {
        if (ownerIndent < 0 || this.le >= this.end) throw BAIL;
        this.lineAt(this.le);
        let j = this.ls;
        while (j < this.ce && text.charCodeAt(j) === SP) j++;
        if (j < this.ce && j - this.ls <= ownerIndent) throw BAIL; // unindented: an error
        multiLine = true;
        i = this.ls;
        continue;
      }
      const ch = text.charCodeAt(i);
      if (single) {
        if (ch === SQ) {
          if (i + 1 < this.ce && text.charCodeAt(i + 1) === SQ) {
            i += 2;
            continue;
          }
          break;
        }
      } else if (ch === BACKSLASH) {
        i += 2; // past the escaped character, or to the next line for an escaped line break
        continue;
      } else if (ch === DQ) break;
      i++;
    }
    this.v1 = i + 1;
    const source = text.slice(p, i + 1);
    if (single) return (multiLine ? unfold(source.slice(1, -1)) : source.slice(1, -1)).replace(/''/g, "'");
    return doubleQuoted(source);
  }

  /** `[` … `]` on one line. */
  private flowSeq(p: number, depth: number): unknown[] {
    const text = this.text;
    const arr: unknown[] = [];
    const offs: SeqOffsets = [];
    let i = this.skipSpaces(p + 1);
    while (text.charCodeAt(i) !== RBRACK) {
      const v = this.flowNode(i, depth + 1);
      arr.push(v);
      offs.push(this.vs, this.v1, this.offsets.blockOf(v));
      i = this.skipSpaces(this.v1);
      const c = text.charCodeAt(i);
      if (c === COMMA) i = this.skipSpaces(i + 1);
      else if (c !== RBRACK) throw BAIL; // `k: v` pairs, comments, lines that go on
    }
    this.offsets.addSeq(arr, offs);
    this.vs = p;
    this.v1 = i + 1;
    return arr;
  }

  /** `{` … `}` on one line. */
  private flowMap(p: number, depth: number): Record<string, unknown> {
    const text = this.text;
    const obj: Record<string, unknown> = {};
    const offs: MapOffsets = [];
    let i = this.skipSpaces(p + 1);
    while (text.charCodeAt(i) !== RBRACE) {
      const kStart = i;
      const c = text.charCodeAt(i);
      let key: string;
      let kEnd: number;
      if (c === DQ || c === SQ) {
        key = this.quoted(i);
        kEnd = this.v1;
        i = this.skipSpaces(kEnd);
        if (text.charCodeAt(i) !== COLON) throw BAIL;
        i++;
      } else {
        if (!plainStart(c, text.charCodeAt(i + 1), true)) throw BAIL;
        let j = i;
        let last = -1;
        for (; j < this.ce; j++) {
          const ch = text.charCodeAt(j);
          if (ch === COLON) break;
          if (ch === COMMA || ch === LBRACK || ch === RBRACK || ch === LBRACE || ch === RBRACE || ch === HASH) throw BAIL;
          if (ch !== SP) last = j;
        }
        // `k: v` only: a colon glued to what follows, or no value, is the library's to read.
        if (j >= this.ce || last < 0 || text.charCodeAt(j + 1) !== SP) throw BAIL;
        kEnd = last + 1;
        const k = resolvePlain(text.slice(i, kEnd), true);
        key = k === null ? 'null' : String(k);
        i = j + 1;
      }
      i = this.skipSpaces(i);
      const vc = text.charCodeAt(i);
      if (i >= this.ce || vc === COMMA || vc === RBRACE) throw BAIL; // no value
      const duplicate = Object.hasOwn(obj, key);
      if (duplicate) {
        this.problems.push({ code: 'duplicate-key', message: `duplicate key "${key}": Kubernetes keeps only one of the values`, start: kStart, end: kEnd, key });
      }
      const value = this.flowNode(i, depth + 1);
      setKey(obj, key, value);
      addField(offs, key, kStart, this.v1, this.offsets.blockOf(value), duplicate);
      i = this.skipSpaces(this.v1);
      const c2 = text.charCodeAt(i);
      if (c2 === COMMA) i = this.skipSpaces(i + 1);
      else if (c2 !== RBRACE) throw BAIL;
    }
    this.offsets.addMap(obj, offs);
    this.vs = p;
    this.v1 = i + 1;
    return obj;
  }

  private skipSpaces(i: number): number {
    const text = this.text;
    while (i < this.ce && text.charCodeAt(i) === SP) i++;
    if (i >= this.ce) throw BAIL; // the collection goes on to another line
    return i;
  }

  /** A node inside a flow collection; sets vs and v1. */
  private flowNode(i: number, depth: number): unknown {
    if (depth >= this.maxDepth) throw BAIL;
    const text = this.text;
    const c = text.charCodeAt(i);
    this.vs = i;
    if (c === DQ || c === SQ) {
      const v = this.quoted(i);
      this.vs = i;
      return v;
    }
    if (c === LBRACK) return this.flowSeq(i, depth);
    if (c === LBRACE) return this.flowMap(i, depth);
    if (!plainStart(c, text.charCodeAt(i + 1), true)) throw BAIL;
    let last = i;
    for (let j = i; j < this.ce; j++) {
      const ch = text.charCodeAt(j);
      if (ch === COMMA || ch === RBRACK || ch === RBRACE) break;
      if (ch === LBRACK || ch === LBRACE || ch === COLON) throw BAIL;
      if (ch === SP) {
        if (text.charCodeAt(j + 1) === HASH) throw BAIL;
        continue;
      }
      last = j;
    }
    this.v1 = last + 1;
    return resolvePlain(text.slice(i, last + 1), false);
  }

  /**
   * `|` or `>` with an optional chomping indicator: the library's lexer takes every following
   * line that is blank or indented at least as much as the first non-blank one (which must be
   * deeper than the owner), then, unless keeping, gives back trailing blank lines that are no
   * more indented than that.
   */
  private blockScalar(h: number, ownerIndent: number): string {
    const text = this.text;
    const end = this.end;
    const folded = text.charCodeAt(h) === 0x3e;
    let i = h + 1;
    let chomp = 0; // 0 clip, 1 keep, -1 strip
    const ch = text.charCodeAt(i);
    if (ch === DASH) {
      chomp = -1;
      i++;
    } else if (ch === 0x2b) {
      chomp = 1;
      i++;
    }
    if (i < this.ce && text.charCodeAt(i) !== SP) throw BAIL; // indentation indicator, junk
    while (i < this.ce && text.charCodeAt(i) === SP) i++;
    if (i < this.ce && text.charCodeAt(i) !== HASH) throw BAIL;
    if (this.le >= end || this.le === this.ce) throw BAIL; // no line after the header
    const contentStart = this.le;
    // The first non-blank line sets the indentation.
    let ls = contentStart;
    let leading = 0;
    let indent = -1;
    while (ls < end) {
      let j = ls;
      while (j < end && text.charCodeAt(j) === SP) j++;
      const c = text.charCodeAt(j);
      if (j < end && c !== NL && c !== CR) {
        indent = j - ls;
        break;
      }
      if (j >= end) break;
      leading = Math.max(leading, j - ls);
      ls = nextLine(text, ls);
    }
    if (indent <= ownerIndent || leading > indent) throw BAIL; // empty, or needs an indicator
    // Take lines while blank or indented enough.
    let nl = -1; // the LF ending the last line taken
    ls = contentStart;
    while (ls < end) {
      let j = ls;
      while (j < end && text.charCodeAt(j) === SP) j++;
      const c = text.charCodeAt(j);
      const blank = c === NL || (c === CR && text.charCodeAt(j + 1) === NL);
      if (j >= end) {
        if (j - ls < indent) break;
        throw BAIL; // a line of spaces at the very end
      }
      if (!blank && j - ls < indent) break;
      const lf = text.indexOf('\n', j);
      if (lf === -1 || lf >= end) {
        nl = end;
        break;
      }
      nl = lf;
      ls = lf + 1;
    }
    if (nl === -1) throw BAIL;
    if (chomp !== 1 && nl < end) {
      // Give back trailing blank lines no more indented than the content.
      for (;;) {
        let k = nl - 1;
        if (text.charCodeAt(k) === CR) k--;
        const lastChar = k;
        while (text.charCodeAt(k) === SP) k--;
        if (text.charCodeAt(k) === NL && k >= contentStart && k + 1 + indent > lastChar) nl = k;
        else break;
      }
    }
    const sourceEnd = nl >= end ? end : nl + 1;
    this.v1 = this.v2 = sourceEnd;
    this.le = sourceEnd;
    return blockValue(text.slice(contentStart, sourceEnd), indent, folded, chomp);
  }

  /** Whether the text at `at` is `key:` followed by a space or the end of the line. */
  private isKeyLine(at: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === DQ || c === SQ) {
      // A key's quote closes on its line (`\` escapes the next character, `''` is a quote).
      let i = at + 1;
      for (; i < this.ce; i++) {
        const ch = text.charCodeAt(i);
        if (ch === c) {
          if (c === SQ && text.charCodeAt(i + 1) === SQ && i + 1 < this.ce) i++;
          else break;
        } else if (ch === BACKSLASH && c === DQ) i++;
      }
      if (i >= this.ce) return false;
      i++;
      while (i < this.ce && text.charCodeAt(i) === SP) i++;
      return text.charCodeAt(i) === COLON && (i + 1 >= this.ce || text.charCodeAt(i + 1) === SP);
    }
    for (let i = at; i < this.ce; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON && (i + 1 >= this.ce || text.charCodeAt(i + 1) === SP)) return true;
      if (ch === SP && text.charCodeAt(i + 1) === HASH) return false;
    }
    return false;
  }

  /** A key at `at` on the current line; sets kEnd (end of the key) and kAfter (after `:`). */
  private key(at: number): string {
    const text = this.text;
    const c = text.charCodeAt(at);
    let colon: number;
    let key: string;
    if (c === DQ || c === SQ) {
      key = this.quoted(at);
      this.kEnd = this.v1;
      colon = this.v1;
      while (colon < this.ce && text.charCodeAt(colon) === SP) colon++;
      if (text.charCodeAt(colon) !== COLON) throw BAIL;
    } else {
      if (!plainStart(c, text.charCodeAt(at + 1))) throw BAIL;
      let last = at;
      colon = -1;
      for (let i = at; i < this.ce; i++) {
        const ch = text.charCodeAt(i);
        if (ch === COLON && (i + 1 >= this.ce || text.charCodeAt(i + 1) === SP)) {
          colon = i;
          break;
        }
        if (ch === SP) {
          if (text.charCodeAt(i + 1) === HASH) break;
          continue;
        }
        last = i;
      }
      if (colon === -1) throw BAIL; // not a key: a multi-line scalar or an error
      this.kEnd = last + 1;
      const v = resolvePlain(text.slice(at, last + 1), true);
      key = v === null ? 'null' : String(v);
    }
    if (colon + 1 < this.ce && text.charCodeAt(colon + 1) !== SP) throw BAIL;
    this.kAfter = colon + 1;
    return key;
  }
}

/** Whether a plain scalar may start with `c` (followed by `d`) without the library objecting. */
function plainStart(c: number, d: number, inFlow = false): boolean {
  switch (c) {
    case DASH: // `- ` is a sequence entry, and so is `-` before a flow indicator in a flow
      return !(Number.isNaN(d) || d === SP || d === NL || d === CR || (inFlow && (d === COMMA || d === LBRACK || d === RBRACK || d === LBRACE || d === RBRACE)));
    case 0x3f: // ? and : may start plain scalars too, but rarely do in manifests
    case COLON:
    case 0x21: case 0x26: case 0x2a: case 0x7c: case 0x3e: case 0x25: case 0x40: case 0x60: // ! & * | > % @ `
    case HASH: case COMMA: case LBRACK: case RBRACK: case LBRACE: case RBRACE: case DQ: case SQ:
      return false;
    default:
      return true;
  }
}

/** Fold the lines of a multi-line plain or single-quoted scalar: one line break is a space. */
function unfold(source: string): string {
  const lines = source.split(/\r?\n/);
  if (lines.length === 1) return source;
  let res = lines[0]!.replace(/ +$/, '');
  let sep = ' ';
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i]!.replace(/^ +| +$/g, '');
    if (line === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + line;
      sep = ' ';
    }
  }
  return res + sep + lines[lines.length - 1]!.replace(/^ +/, '');
}

/** The value of a double-quoted scalar (`source` with its quotes), possibly over several lines. */
function doubleQuoted(source: string): string {
  let res = '';
  const last = source.length - 1;
  let from = 1;
  for (let i = 1; i < last; i++) {
    const ch = source.charCodeAt(i);
    if (ch !== BACKSLASH && ch !== NL && ch !== CR && ch !== SP) continue;
    res += source.slice(from, i);
    if (ch === CR) {
      // CR LF is a line break (a lone CR never gets here)
    } else if (ch === NL) {
      // A line break folds to a space; each further one (blank lines) is kept.
      let fold = '';
      let c = source.charCodeAt(i + 1);
      while (c === SP || c === NL || c === CR) {
        if (c === NL) fold += '\n';
        i++;
        c = source.charCodeAt(i + 1);
      }
      res += fold || ' ';
    } else if (ch === SP) {
      // Spaces before a line break are dropped.
      let j = i;
      while (source.charCodeAt(j + 1) === SP) j++;
      const n = source.charCodeAt(j + 1);
      if (n !== NL && !(n === CR && source.charCodeAt(j + 2) === NL)) res += source.slice(i, j + 1);
      i = j;
    } else {
      const e = source[++i]!;
      const simple = ESCAPES[e];
      if (simple !== undefined) res += simple;
      else if (e === '\n' || (e === '\r' && source[i + 1] === '\n')) {
        // An escaped line break joins the lines, dropping the next line's indentation.
        if (e === '\r') i++;
        while (source.charCodeAt(i + 1) === SP) i++;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = source.slice(i + 1, i + 1 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw BAIL;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) throw BAIL;
        res += String.fromCodePoint(code);
        i += len;
      } else throw BAIL;
    }
    from = i + 1;
  }
  return res + source.slice(from, last);
}

/** The value of a block scalar whose lines (after the header) are `source`. */
function blockValue(source: string, indent: number, folded: boolean, chomp: number): string {
  // [indentation, content] per line, the way the library splits them (a final LF leaves an
  // empty last line).
  const parts = source.split(/\n( *)/);
  const m = /^( *)/.exec(parts[0]!)![1]!;
  const lines: Array<[string, string]> = [[m, parts[0]!.slice(m.length)]];
  for (let i = 1; i < parts.length; i += 2) lines.push([parts[i]!, parts[i + 1]!]);
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    const content = lines[i]![1];
    if (content === '' || content === '\r') chompStart = i;
    else break;
  }
  let contentStart = 0;
  while (contentStart < chompStart && (lines[contentStart]![1] === '' || lines[contentStart]![1] === '\r')) contentStart++;
  // Trailing empty lines more indented than the content are content.
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i]![0].length > indent) {
      chompStart = i + 1;
      break;
    }
  }
  let value = '';
  for (let i = 0; i < contentStart; ++i) value += lines[i]![0].slice(indent) + '\n';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = contentStart; i < chompStart; ++i) {
    const ind = lines[i]![0];
    let content = lines[i]![1];
    if (content.endsWith('\r')) content = content.slice(0, -1);
    if (!folded) {
      value += sep + ind.slice(indent) + content;
      sep = '\n';
    } else if (ind.length > indent) {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + ind.slice(indent) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  if (chomp === 1) {
    for (let i = chompStart; i < lines.length; ++i) value += '\n' + lines[i]![0].slice(indent);
    if (value[value.length - 1] !== '\n') value += '\n';
  } else if (chomp === 0) value += '\n';
  return value;
}
