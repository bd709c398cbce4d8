// YAML stream → plain JS documents with a side table of source offsets.
//
// Semantics follow what the Kubernetes API server applies (sigs.k8s.io/yaml on go-yaml v2, i.e.
// YAML 1.1 scalars): `yes`/`on`/`y` are booleans, `0777` is octal, `<<` merges. Unlike go-yaml,
// timestamps and sexagesimal numbers stay strings, as they do once the API server converts YAML to
// JSON. A duplicate key keeps the last value (what a non-strict decode keeps) and is reported.
// Aliases are expanded within a budget so that a billion-laughs document is an error, not an OOM.
//
// Most documents are read by fast-yaml.ts, which gives the same result as the library path below
// several times faster and hands back, one document at a time, whatever it is not sure about.

import { Composer, Parser, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { fastParseStream } from './fast-yaml.js';
import { nestingExceeds } from './nesting.js';
import { addField, OffsetIndex, type MapOffsets, type SeqOffsets } from './offsets.js';
import { PARSE_OPTIONS, scalarValue, setKey } from './yaml-scalars.js';

export interface YamlProblem {
  code: 'parse-error' | 'duplicate-key' | 'alias-limit' | 'nesting-limit' | 'size-limit';
  message: string;
  start: number;
  end: number;
  key?: string;
}

export interface YamlDocument {
  /** 0-based index of the document in the stream. */
  index: number;
  data: unknown;
  /** True when the document has no content (e.g. a stray `---`). */
  empty: boolean;
  /** The content is unusable (parse error, alias bomb): rules must not run on it. */
  fatal: boolean;
  problems: YamlProblem[];
  helmSource?: string;
  /** Offsets of the content node. */
  start: number;
  end: number;
  /** Where each field and item of `data` runs (offsets.ts). */
  offsets: OffsetIndex;
}

export interface YamlLimits {
  /** Nodes materialised through aliases, per document. */
  maxAliasNodes: number;
  /** Nesting depth of collections. */
  maxDepth: number;
  /**
   * Characters of one document read by the `yaml` library (documents the fast path hands back:
   * anchors, tags, tabs, syntax errors). The library holds a few hundred bytes per character of
   * such a document; a Kubernetes object is at most 1.5 MiB in etcd.
   */
  maxLibraryDocument: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliasNodes: 100_000, maxDepth: 500, maxLibraryDocument: 1024 * 1024 };

class Limit extends Error {
  constructor(
    readonly code: 'alias-limit' | 'nesting-limit',
    message: string,
    readonly start: number,
  ) {
    super(message);
  }
}

const HELM_SOURCE = /^#\s*Source:\s*(\S+)/m;

/** How a stream was read (bench and differential tests). */
export interface YamlParseStats {
  /** Documents read by the fast path. */
  fastDocuments: number;
  /** Documents the fast path handed to the library, one at a time. */
  fallbackDocuments: number;
  /** Streams read by the library as a whole. */
  fallbackStreams: number;
}

/** Parse every document of a YAML (or JSON) stream. Never throws on bad input. */
export function parseYamlStream(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS, stats?: YamlParseStats): YamlDocument[] {
  const segments = fastParseStream(text, limits.maxDepth);
  if (!segments || segments.length === 0) return wholeStream(text, limits, stats);
  const out: YamlDocument[] = [];
  let previousEnd = 0;
  for (const segment of segments) {
    if ('doc' in segment) {
      const helm = HELM_SOURCE.exec(text.slice(previousEnd, segment.doc.start));
      if (helm) segment.doc.helmSource = helm[1];
      previousEnd = Math.max(previousEnd, segment.range2);
      out.push(segment.doc);
      if (stats) stats.fastDocuments++;
      continue;
    }
    // One document for the library: parsed alone from its `---` line, positions shifted back.
    // The next document's `---` is part of the slice, as the way it closes the collections
    // changes where trailing comments end.
    const next = segment.to < text.length;
    const slice = text.slice(segment.from, next ? segment.to + 3 : segment.to);
    if (slice.length > limits.maxLibraryDocument) {
      out.push(tooLarge(segment.index, segment.from, slice.length, limits));
      previousEnd = Math.max(previousEnd, segment.to);
      continue;
    }
    const deep = nestingExceeds(slice, limits.maxDepth);
    if (deep >= 0) {
      out.push(tooDeep(segment.index, segment.from + deep, limits));
      previousEnd = Math.max(previousEnd, segment.to);
      continue;
    }
    let docs: Document.Parsed[];
    let converted: YamlDocument;
    try {
      docs = [...new Composer(PARSE_OPTIONS as never).compose(new Parser().parse(slice), true, slice.length)] as Document.Parsed[];
      // A document with errors goes back to the whole stream: the library reports some errors
      // on the document before (it holds each document until it sees the next) and may read
      // an unclosed quote past the `---`.
      if (docs.length !== (next ? 2 : 1) || docs[0]!.errors.length > 0) return wholeStream(text, limits, stats);
      converted = convertDocument(docs[0]!, segment.index, limits, text, previousEnd, segment.from);
    } catch {
      // Whatever goes wrong (a stack overflow on deep nesting) is reported as the library
      // path reports it for the whole stream.
      return wholeStream(text, limits, stats);
    }
    previousEnd = Math.max(previousEnd, segment.from + ((docs[0]!.range as number[])[2] ?? converted.end - segment.from));
    out.push(converted);
    if (stats) stats.fallbackDocuments++;
  }
  return out;
}

function wholeStream(text: string, limits: YamlLimits, stats: YamlParseStats | undefined): YamlDocument[] {
  if (stats) stats.fallbackStreams++;
  return parseYamlStreamWithLibrary(text, limits);
}

/** The reference path: every document of the stream through the `yaml` library. */
export function parseYamlStreamWithLibrary(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlDocument[] {
  // Too deep for the library's recursion: refused before it starts (nesting.ts says why).
  const large = largestDocument(text);
  if (large.length > limits.maxLibraryDocument) return [tooLarge(0, large.start, large.length, limits)];
  const deep = nestingExceeds(text, limits.maxDepth);
  if (deep >= 0) return [tooDeep(0, deep, limits)];
  const out: YamlDocument[] = [];
  const composer = new Composer(PARSE_OPTIONS as never);
  let index = 0;
  try {
    let previousEnd = 0;
    for (const doc of composer.compose(new Parser().parse(text), true, text.length)) {
      const converted = convertDocument(doc as Document.Parsed, index++, limits, text, previousEnd, 0);
      previousEnd = Math.max(previousEnd, (doc.range as number[])[2] ?? converted.end);
      out.push(converted);
    }
  } catch (err) {
    // The composer recurses per nesting level; a pathological document can exhaust the stack.
    const message = err instanceof RangeError ? 'document nesting is too deep to parse' : `cannot parse YAML: ${(err as Error).message}`;
    const start = out.length ? out[out.length - 1]!.end : 0;
    out.push({
      index,
      data: undefined,
      empty: false,
      fatal: true,
      problems: [{ code: 'parse-error', message, start, end: start }],
      start,
      end: start,
      offsets: new OffsetIndex(),
    });
  }
  return out;
}

function unreadable(index: number, at: number, problem: YamlProblem): YamlDocument {
  return { index, data: undefined, empty: false, fatal: true, problems: [problem], start: at, end: at, offsets: new OffsetIndex() };
}

function tooDeep(index: number, at: number, limits: YamlLimits): YamlDocument {
  return unreadable(index, at, { code: 'nesting-limit', message: `nesting deeper than ${limits.maxDepth} levels`, start: at, end: at });
}

function tooLarge(index: number, at: number, length: number, limits: YamlLimits): YamlDocument {
  const message = `document of ${length} characters is over the ${limits.maxLibraryDocument}-character limit for documents with anchors, tags, tabs or syntax errors; it is not checked (split it, or write it without those)`;
  return unreadable(index, at, { code: 'size-limit', message, start: at, end: at });
}

/** The longest stretch between document markers (`---`, `...` at the start of a line). */
function largestDocument(text: string): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = 0;
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  for (;;) {
    const m = marker.exec(text);
    const end = m ? m.index : text.length;
    if (end - start > best.length) best = { start, length: end - start };
    if (!m) return best;
    start = m.index;
    marker.lastIndex = m.index + 3;
  }
}

/** A library document as a YamlDocument; `base` is where the parsed text starts in `text`. */
function convertDocument(doc: Document.Parsed, index: number, limits: YamlLimits, text: string, previousEnd: number, base: number): YamlDocument {
  const contents = doc.contents as Node | null;
  const range = (contents?.range ?? doc.range) as [number, number, number];
  const result: YamlDocument = {
    index,
    data: undefined,
    empty: contents === null || (isScalar(contents) && contents.value === null && !contents.source),
    fatal: false,
    problems: [],
    start: range[0] + base,
    end: range[1] + base,
    offsets: new OffsetIndex(),
  };
  // Helm writes `# Source: <template>` between the `---` and the object; read it from the text
  // before the content, where the parser may have attached it to the document or its first key.
  const helm = HELM_SOURCE.exec(text.slice(previousEnd, result.start));
  if (helm) result.helmSource = helm[1];

  if (doc.errors.length > 0) {
    result.fatal = true;
    for (const e of doc.errors) {
      result.problems.push({ code: 'parse-error', message: cleanMessage(e.message), start: e.pos[0] + base, end: e.pos[1] + base });
    }
    return result;
  }
  if (result.empty) return result;

  const converter = new Converter(result, limits, base);
  try {
    result.data = converter.node(contents, 0);
    result.offsets.root = converter.blockOf(result.data);
  } catch (err) {
    if (!(err instanceof Limit)) throw err;
    result.fatal = true;
    result.data = undefined;
    result.problems.push({ code: err.code, message: err.message, start: err.start, end: err.start });
  }
  return result;
}

function cleanMessage(message: string): string {
  // yaml appends "at line N, column M" plus a code frame; positions are reported separately.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

class Converter {
  private readonly anchors = new Map<string, Node>();
  private readonly converted = new Map<Node, unknown>();
  private readonly sizes = new Map<Node, number>();
  // Block of each collection made (offsets.ts): an alias shares its anchor's value, so the block
  // of a value is not always the one closed last.
  private readonly blocks = new Map<object, number>();
  private aliasNodes = 0;

  constructor(
    private readonly doc: YamlDocument,
    private readonly limits: YamlLimits,
    private readonly base: number,
  ) {}

  blockOf(value: unknown): number {
    return value !== null && typeof value === 'object' ? (this.blocks.get(value) ?? -1) : -1;
  }

  private rangeOf(node: unknown): [number, number] {
    const r = (node as { range?: [number, number, number] | null } | null)?.range;
    return r ? [r[0] + this.base, r[1] + this.base] : [0, 0];
  }

  node(node: unknown, depth: number): unknown {
    if (node === null || node === undefined) return null;
    if (depth > this.limits.maxDepth) {
      throw new Limit('nesting-limit', `nesting deeper than ${this.limits.maxDepth} levels`, this.rangeOf(node)[0]);
    }
    const n = node as Node & { anchor?: string };
    if (isAlias(n)) return this.alias(n, depth);
    if (n.anchor) this.anchors.set(n.anchor, n);
    let value: unknown;
    if (isScalar(n)) value = scalarValue(n.value);
    else if (isMap(n)) value = this.map(n, depth);
    else if (isSeq(n)) value = this.seq(n, depth);
    else value = null;
    if (n.anchor) this.converted.set(n, value);
    return value;
  }

  private alias(alias: { source: string; range?: [number, number, number] | null }, depth: number): unknown {
    const target = this.anchors.get(alias.source);
    const start = alias.range ? alias.range[0] + this.base : 0;
    if (!target) {
      throw new Limit('alias-limit', `alias *${alias.source} refers to no anchor defined before it`, start);
    }
    this.aliasNodes += this.size(target);
    if (this.aliasNodes > this.limits.maxAliasNodes) {
      throw new Limit(
        'alias-limit',
        `aliases expand to more than ${this.limits.maxAliasNodes} nodes (a billion-laughs document?)`,
        start,
      );
    }
    // The anchored value is shared, not copied: rules only read it, and the budget above bounds
    // how much any reader can traverse.
    if (this.converted.has(target)) return this.converted.get(target);
    return this.node(target, depth);
  }

  private size(node: Node): number {
    const known = this.sizes.get(node);
    if (known !== undefined) return known;
    this.sizes.set(node, 1); // guards a self-referencing anchor
    let total = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          total += item.value ? this.size(item.value as Node) : 0;
        } else if (item) total += this.size(item as Node);
      }
    } else if (isAlias(node)) {
      const target = this.anchors.get(node.source);
      total = target && target !== node ? this.size(target) : 1;
    }
    this.sizes.set(node, total);
    return total;
  }

  private map(node: { items: unknown[] }, depth: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const offsets: MapOffsets = [];
    const merges: unknown[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as Node | null;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        merges.push(item.value);
        continue;
      }
      const key = keyString(keyNode, this, depth);
      const keyRange = this.rangeOf(keyNode);
      const valueRange = item.value ? this.rangeOf(item.value) : keyRange;
      const start = keyNode ? keyRange[0] : valueRange[0];
      const end = item.value ? valueRange[1] : keyRange[1];
      const duplicate = Object.hasOwn(obj, key);
      if (duplicate) {
        this.doc.problems.push({
          code: 'duplicate-key',
          message: `duplicate key "${key}": Kubernetes keeps only one of the values`,
          start: keyRange[0],
          end: keyRange[1],
          key,
        });
      }
      const value = this.node(item.value, depth + 1);
      setKey(obj, key, value);
      addField(offsets, key, start, end, this.blockOf(value), duplicate);
    }
    // Explicit keys win over merged ones, whatever their order (YAML 1.1 merge spec).
    for (const merge of merges) {
      const sources = isSeq(merge) ? (merge.items as unknown[]) : [merge];
      for (const source of sources) {
        const value = this.node(source, depth + 1);
        if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (k in obj) continue;
          setKey(obj, k, v);
          const cell = this.doc.offsets.fieldCell(this.blockOf(value), value, k);
          if (cell >= 0) addField(offsets, k, this.doc.offsets.start(cell), this.doc.offsets.end(cell), this.doc.offsets.child(cell), false);
        }
      }
    }
    this.blocks.set(obj, this.doc.offsets.addMap(obj, offsets));
    return obj;
  }

  private seq(node: { items: unknown[] }, depth: number): unknown[] {
    const arr: unknown[] = [];
    const offsets: SeqOffsets = [];
    for (const item of node.items) {
      const value = this.node(item, depth + 1);
      arr.push(value);
      const r = this.rangeOf(item);
      offsets.push(r[0], r[1], this.blockOf(value));
    }
    this.blocks.set(arr, this.doc.offsets.addSeq(arr, offsets));
    return arr;
  }
}

function keyString(key: Node | null, conv: Converter, depth: number): string {
  if (key === null) return 'null';
  if (isScalar(key)) {
    const v = scalarValue(key.value);
    return v === null ? 'null' : String(v);
  }
  // A complex key (collection or alias): the API server's YAML→JSON conversion would reject it;
  // keep a readable form so the rest of the object is still checked.
  return JSON.stringify(conv.node(key, depth + 1));
}
