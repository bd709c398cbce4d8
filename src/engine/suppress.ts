// Suppressions, applied after evaluation: inline ones (Kubernetes annotations, Dockerfile
// comments the loader put in Subject.suppressions), config `ignore:` entries and a baseline.
// A suppressed finding is kept, marked with its kind and reason: reporters count it, SARIF shows
// it as a suppression, the exit code ignores it. Suppressions that are themselves wrong (no
// reason, expired, unreadable, naming no rule) become `problem` subjects that rules.d/input/
// reports, so they can be re-graded or turned off like any other finding.

import path from 'node:path';
import picomatch from 'picomatch';
import { DocumentSubject, locationOf, logicalName } from '../model/subject.js';
import type { Finding, InlineSuppression, Location, ObjectRef, Problem, Subject } from '../model/types.js';
import { escapeSegment } from '../util/pointer.js';
import { fingerprint } from './fingerprint.js';
import type { Catalogue, Rule } from './rule.js';

/** `ignore.aigis.dev/<rule-id>` or `ignore.aigis.dev/<rule-id>.<container>`. */
export const ANNOTATION_PREFIX = 'ignore.aigis.dev/';

/** Problem codes (and rule ids in rules.d/input/) for suppressions that need attention. */
export const SUPPRESSION_CODES = {
  noReason: 'suppression-without-reason',
  expired: 'suppression-expired',
  invalid: 'suppression-invalid',
} as const;

export interface ConfigIgnore {
  rule: string;
  /** Globs relative to `baseDir`, matched against the finding's file (and its Helm template). */
  paths?: string[];
  /** `Kind/namespace/name`, `Kind/name` or `name`; each part may be a glob. */
  objects?: string[];
  reason: string;
  /** Last day (YYYY-MM-DD) the entry applies. */
  until?: string;
  /** Folder of the config file that holds the entry. */
  baseDir: string;
  /** The entry in the config file (its `until` field when there is one). */
  location: Location;
}

export interface Baseline {
  /** As the user named it, for the justification text. */
  file: string;
  fingerprints: ReadonlySet<string>;
}

export interface SuppressOptions {
  /** Honour annotations and comments (default true; false with --no-inline-suppressions). */
  inline?: boolean;
  ignores?: readonly ConfigIgnore[];
  baseline?: Baseline;
  /** Today as YYYY-MM-DD (tests pin it); suppressions lapse after their `until` day. */
  today?: string;
  /** Working directory: finding paths are relative to it. */
  cwd?: string;
}

export interface PreparedSuppressions {
  /** Problems about the suppressions themselves (become `problem` subjects). */
  problems: Problem[];
  /** Inline suppressions in force, by subject place (see placeOfSubject). */
  bySubject: Map<string, InlineSuppression[]>;
}

const NONE: InlineSuppression[] = [];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UNTIL = /^\s*until\b\s*(\S*?)\s*(?::\s*([\s\S]*))?$/;

export function todayUTC(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A real calendar day written YYYY-MM-DD. */
export function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * An annotation value: `reason`, or `until YYYY-MM-DD: reason`. A value that starts with
 * `until` but has no valid date is not a suppression (fail closed) and is reported.
 */
export function parseSuppressionValue(value: string): { reason: string; until?: string } | { error: string } {
  const m = UNTIL.exec(value);
  if (!m) return { reason: value.trim() };
  const date = m[1] ?? '';
  if (!isDate(date)) return { error: `"until" needs a date written YYYY-MM-DD (got "${date}")` };
  return { reason: (m[2] ?? '').trim(), until: date };
}

interface ParsedAnnotations {
  suppressions: InlineSuppression[];
  problems: Problem[];
}

/** The suppressions written in one annotations map, located at their keys. */
export function parseAnnotations(annotations: unknown, locate: (key: string) => Location, identity?: string): ParsedAnnotations {
  const out: ParsedAnnotations = { suppressions: [], problems: [] };
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return out;
  for (const [key, raw] of Object.entries(annotations as Record<string, unknown>)) {
    if (!key.startsWith(ANNOTATION_PREFIX)) continue;
    const name = key.slice(ANNOTATION_PREFIX.length);
    const location = locate(key);
    const id = identity === undefined ? undefined : `${identity}${location.pointer}`;
    // Rule ids and container names are DNS-label-like: neither holds a dot.
    const dot = name.indexOf('.');
    const ruleId = dot < 0 ? name : name.slice(0, dot);
    const container = dot < 0 ? undefined : name.slice(dot + 1);
    if (!ruleId || container === '') {
      out.problems.push(problemAt(location, SUPPRESSION_CODES.invalid, `annotation "${key}" names no rule (write ${ANNOTATION_PREFIX}<rule-id> or ${ANNOTATION_PREFIX}<rule-id>.<container>)`, id));
      continue;
    }
    const value = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
    const parsed = parseSuppressionValue(value);
    if ('error' in parsed) {
      out.problems.push(problemAt(location, SUPPRESSION_CODES.invalid, `suppression of ${ruleId}: ${parsed.error}; it is not applied`, id));
      continue;
    }
    const s: InlineSuppression = { ruleId, reason: parsed.reason, location };
    if (id) identities.set(s, id);
    if (parsed.until) s.until = parsed.until;
    if (container !== undefined) s.container = container;
    out.suppressions.push(s);
  }
  return out;
}

/** Identity of annotation suppressions (object key + annotation pointer): their problems' fingerprints survive line moves. */
const identities = new WeakMap<InlineSuppression, string>();

function problemAt(location: Location, code: string, message: string, identity?: string): Problem {
  const p: Problem = { code, message, file: location.file ?? location.logical ?? '' };
  if (identity) p.identity = identity;
  if (location.position) p.position = location.position;
  if (location.pointer) p.pointer = location.pointer;
  if (location.helmSource) p.helmSource = location.helmSource;
  if (location.logical) p.logical = location.logical;
  return p;
}

/** Where a subject's findings are: its key plus its file (or logical name) and Helm template. */
export function placeOfSubject(subject: Subject): string {
  if (subject instanceof DocumentSubject) {
    const src = subject.doc.source;
    const where = src.kind === 'file' || src.kind === 'stdin' ? src.path : logicalName(src.path, src.context, subject.object);
    return `${subject.key}\u0000${where}\u0000${src.helmSource ?? ''}`;
  }
  const l = subject.locate('');
  return `${subject.key}\u0000${l.file ?? l.logical ?? ''}\u0000${l.helmSource ?? ''}`;
}

export function placeOfFinding(f: Finding): string {
  const l = f.location;
  return `${f.subjectKey}\u0000${l.file ?? l.logical ?? ''}\u0000${l.helmSource ?? ''}`;
}

/** Old rule id → the rule that replaces it (`replaces:`), so old suppressions keep working. */
export function replacedBy(catalogue: Catalogue): ReadonlyMap<string, string> {
  const known = renamesOf.get(catalogue.rules);
  if (known) return known;
  const out = new Map<string, string>();
  for (const r of catalogue.rules) for (const old of r.replaces ?? []) out.set(old, r.id);
  renamesOf.set(catalogue.rules, out);
  return out;
}

// Once per catalogue: the webhook prepares suppressions for every review.
const renamesOf = new WeakMap<readonly Rule[], ReadonlyMap<string, string>>();

/** The current id for a rule id a user wrote (itself, or the rule that replaced it). */
export function currentRuleId(id: string, catalogue: Catalogue, renames = replacedBy(catalogue)): string | undefined {
  if (catalogue.byId.has(id)) return id;
  return renames.get(id);
}

/** Locates each annotation key under the document pointer `base`. */
function annotationLocator(subject: DocumentSubject, base: string): (key: string) => Location {
  return (key) => locationOf(subject.doc, `${base}/${escapeSegment(key)}`, subject.object);
}

/**
 * Gather the inline suppressions that apply to each subject, and the problems they carry.
 * Object annotations apply to every subject of the object; pod-template annotations to the pod
 * and its containers; container-scoped ones only to that container's findings.
 */
export function prepareSuppressions(
  subjects: readonly Subject[],
  catalogue: Catalogue,
  existingProblems: readonly Problem[] = [],
  options: SuppressOptions = {},
): PreparedSuppressions {
  const today = options.today ?? todayUTC();
  const out: PreparedSuppressions = { problems: [], bySubject: new Map() };
  const renames = replacedBy(catalogue);
  const seen = new Set<InlineSuppression>();
  const reported = new Set(existingProblems.map(problemKey));
  const report = (p: Problem) => {
    const k = problemKey(p);
    if (reported.has(k)) return;
    reported.add(k);
    out.problems.push(p);
  };

  if (options.inline !== false) {
    // Each annotations map is parsed once, however many subjects share it; most hold no
    // suppression and cost one pass over their keys.
    const parsed = new WeakMap<object, InlineSuppression[]>();
    const suppressionsIn = (annotations: unknown, subject: DocumentSubject, pointer: () => string): InlineSuppression[] => {
      if (annotations === null || typeof annotations !== 'object') return NONE;
      let list = parsed.get(annotations);
      if (list) return list;
      list = NONE;
      for (const k in annotations) {
        if (!k.startsWith(ANNOTATION_PREFIX)) continue;
        const at = pointer();
        // A Pod is its own template: its metadata annotations are read once, as the object's.
        if (at !== '') {
          const r = parseAnnotations(annotations, annotationLocator(subject, at), objectKeyOf(subject));
          r.problems.forEach(report);
          list = r.suppressions;
        }
        break;
      }
      parsed.set(annotations, list);
      return list;
    };
    const pods = new Map<string, DocumentSubject[]>();
    for (const s of subjects) {
      if (s.target === 'pod' && s instanceof DocumentSubject) pods.set(s.key, [...(pods.get(s.key) ?? []), s]);
    }

    for (const subject of subjects) {
      let list: InlineSuppression[] = subject.suppressions ?? NONE;
      if (subject instanceof DocumentSubject) {
        const root = subject.doc.data as Record<string, unknown> | null;
        const meta = root && typeof root === 'object' ? (root.metadata as Record<string, unknown> | undefined) : undefined;
        // A namespace seen only through its objects borrows the first object's document: that
        // object's annotations are not the namespace's.
        const own = subject.target !== 'namespace' || subject.data.defined === true;
        const objectLevel = own && meta && typeof meta === 'object' ? suppressionsIn(meta.annotations, subject, () => '/metadata/annotations') : NONE;
        const pod = subject.target === 'pod' ? subject : subject.target === 'container' ? podOf(subject, pods) : undefined;
        const podLevel = pod
          ? suppressionsIn(pod.data.annotations, pod, () => {
              const at = pod.pointerFor('/annotations');
              return at === '/metadata/annotations' ? '' : at;
            })
          : NONE;
        if (objectLevel.length || podLevel.length) list = [...list, ...objectLevel, ...podLevel];
      }
      if (!list.length) continue;
      for (const s of list) {
        if (seen.has(s)) continue;
        seen.add(s);
        for (const p of checkSuppression(s, catalogue, renames, today)) report(p);
      }
      const live = list.filter((s) => (!s.container || s.container === subject.container) && (!s.until || s.until >= today));
      if (live.length) {
        const k = placeOfSubject(subject);
        out.bySubject.set(k, [...(out.bySubject.get(k) ?? []), ...live]);
      }
    }
  }

  for (const ig of options.ignores ?? []) {
    if (ig.until && ig.until < today) {
      const identity = `config:${JSON.stringify([ig.rule, ig.paths ?? [], ig.objects ?? [], ig.until])}`;
      report(problemAt(ig.location, SUPPRESSION_CODES.expired, `config ignore of ${ig.rule} expired on ${ig.until} (${ig.reason}); it no longer applies`, identity));
    }
  }
  return out;
}

/** The object part of a subject key (`v1/Pod/ns/name`), without its `#pod…`/`#container…` suffix. */
function objectKeyOf(subject: DocumentSubject): string {
  const i = subject.key.indexOf('#');
  return i < 0 ? subject.key : subject.key.slice(0, i);
}

/** The pod subject a container subject belongs to (same key prefix, same document). */
function podOf(container: DocumentSubject, pods: Map<string, DocumentSubject[]>): DocumentSubject | undefined {
  const i = container.key.lastIndexOf('#container:');
  if (i < 0) return undefined;
  return pods.get(container.key.slice(0, i))?.find((p) => p.doc === container.doc);
}

function problemKey(p: Problem): string {
  return `${p.code}\u0000${p.file}\u0000${p.position?.line ?? ''}:${p.position?.column ?? ''}\u0000${p.pointer ?? ''}`;
}

function checkSuppression(s: InlineSuppression, catalogue: Catalogue, renames: ReadonlyMap<string, string>, today: string): Problem[] {
  const loc = s.location ?? { pointer: '' };
  const id = identities.get(s);
  const out: Problem[] = [];
  if (!currentRuleId(s.ruleId, catalogue, renames)) {
    out.push(problemAt(loc, SUPPRESSION_CODES.invalid, `suppression names no rule "${s.ruleId}" (see aigis rules)`, id));
  }
  if (!s.reason.trim()) {
    out.push(problemAt(loc, SUPPRESSION_CODES.noReason, `suppression of ${s.ruleId} gives no reason`, id));
  }
  if (s.until && s.until < today) {
    out.push(problemAt(loc, SUPPRESSION_CODES.expired, `suppression of ${s.ruleId} expired on ${s.until}; it no longer applies`, id));
  }
  return out;
}

/** A suppression limited to some lines (a Dockerfile comment) covers only findings on them. */
function inLines(s: InlineSuppression, f: Finding): boolean {
  if (!s.lines) return true;
  const line = f.location.position?.line;
  return line !== undefined && line >= s.lines.start && line <= s.lines.end;
}

function ruleMatches(written: string, ruleId: string, renames: ReadonlyMap<string, string>): boolean {
  return written === ruleId || renames.get(written) === ruleId;
}

/** `Kind/namespace/name` of a finding's object, for config `objects` patterns. */
function objectParts(o: ObjectRef | undefined): [string, string, string] | undefined {
  if (!o?.kind || o.name === undefined) return undefined;
  return [o.kind, o.namespace ?? '', o.name];
}

export function objectMatcher(patterns: readonly string[]): (o: ObjectRef | undefined) => boolean {
  const compiled = patterns.map((p) => {
    const parts = p.split('/');
    const [kind, ns, name] = parts.length >= 3 ? [parts[0]!, parts[1]!, parts.slice(2).join('/')] : parts.length === 2 ? [parts[0]!, '*', parts[1]!] : ['*', '*', parts[0]!];
    const m = (glob: string, nocase = false) => (glob === '*' ? () => true : picomatch(glob, { nocase, dot: true }));
    return { kind: m(kind, true), ns: m(ns), name: m(name) };
  });
  return (o) => {
    const parts = objectParts(o);
    if (!parts) return false;
    return compiled.some((c) => c.kind(parts[0]) && c.ns(parts[1] || 'default') && c.name(parts[2]));
  };
}

interface CompiledIgnore {
  ignore: ConfigIgnore;
  paths?: (f: Finding) => boolean;
  objects?: (o: ObjectRef | undefined) => boolean;
}

function compileIgnore(ig: ConfigIgnore, cwd: string): CompiledIgnore {
  const c: CompiledIgnore = { ignore: ig };
  if (ig.paths?.length) {
    const match = picomatch(ig.paths, { dot: true });
    c.paths = (f) => {
      const files = [f.location.file, f.location.helmSource].filter((x): x is string => !!x && x !== '-');
      return files.some((file) => {
        const rel = path.relative(ig.baseDir, path.resolve(cwd, file)).split(path.sep).join('/');
        // A Helm template path (`chart/templates/x.yaml`) is matched as written too.
        return match(rel) || match(file.split(path.sep).join('/'));
      });
    };
  }
  if (ig.objects?.length) c.objects = objectMatcher(ig.objects);
  return c;
}

/** Mark suppressed findings (inline, then config, then baseline); returns the same array. */
export function applySuppressions(
  findings: Finding[],
  prepared: PreparedSuppressions,
  catalogue: Catalogue,
  options: SuppressOptions = {},
): Finding[] {
  const today = options.today ?? todayUTC();
  const renames = replacedBy(catalogue);
  const cwd = options.cwd ?? process.cwd();
  const ignores = (options.ignores ?? []).filter((ig) => !ig.until || ig.until >= today).map((ig) => compileIgnore(ig, cwd));
  const baselineFor = baselineMatcher(catalogue, options.baseline);
  if (!prepared.bySubject.size && !ignores.length && !baselineFor) return findings;
  for (const f of findings) {
    if (f.suppression) continue;
    const inline = prepared.bySubject.size === 0 ? undefined : prepared.bySubject.get(placeOfFinding(f))?.find((s) => ruleMatches(s.ruleId, f.ruleId, renames) && (!s.container || s.container === f.container) && inLines(s, f));
    if (inline) {
      f.suppression = { kind: 'inSource', justification: inline.reason || '(no reason given)', source: 'inline' };
      continue;
    }
    const ig = ignores.find((c) => ruleMatches(c.ignore.rule, f.ruleId, renames) && (!c.paths || c.paths(f)) && (!c.objects || c.objects(f.object)));
    if (ig) {
      f.suppression = { kind: 'external', justification: ig.ignore.reason, source: 'config' };
      continue;
    }
    if (baselineFor?.(f)) f.suppression = { kind: 'external', justification: `in baseline ${options.baseline!.file}`, source: 'baseline' };
  }
  return findings;
}

/** A finding is in the baseline under its fingerprint, or under one its rule had before a rename. */
export function baselineMatcher(catalogue: Catalogue, baseline: Baseline | undefined): ((f: Finding) => boolean) | undefined {
  if (!baseline) return undefined;
  return (f) => {
    if (baseline.fingerprints.has(f.fingerprint)) return true;
    for (const old of catalogue.byId.get(f.ruleId)?.replaces ?? []) {
      if (baseline.fingerprints.has(fingerprint(old, f.subjectKey, f.location.pointer))) return true;
    }
    return false;
  };
}
