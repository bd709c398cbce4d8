// Subjects × rules → findings. Each rule's compiled `when` selects subjects of its target; every
// distinct instance path at which `expect` fails is one finding, located in the user's file.

import { renderMessage } from '../rules/message.js';
import { getAt } from '../util/pointer.js';
import type { Finding, Location, ObjectRef, Severity, Subject, Target } from '../model/types.js';
import { fingerprint } from './fingerprint.js';
import type { Catalogue, Rule, RuleMeta, ValidateFn } from './rule.js';
import { supersede } from './supersede.js';

export interface EvaluateOptions {
  /** Per-rule severity or `off` (config `rules:`). */
  ruleSettings?: ReadonlyMap<string, Severity | 'off'>;
  /** Raw secret values seen in the input, masked wherever a message shows them. */
  secrets?: ReadonlySet<string>;
  /** Only these rules (tests, `aigis scan --rule`). */
  only?: ReadonlySet<string>;
  /** Called for each subject a rule's `when` selects (JUnit records passes with it). */
  onCheck?: (subject: Subject, rule: Rule) => void;
}

export interface Violation {
  instancePath: string;
  missing?: string;
}

type AjvError = NonNullable<ValidateFn['errors']>[number];

/**
 * The places a schema failed, one per instance path. Errors nested inside a failing combinator
 * (anyOf/oneOf/not/contains branches) are dropped in favour of the combinator's own error, and
 * `if` errors in favour of what `then`/`else` said, so each weakness is reported once.
 */
export function violations(errors: readonly AjvError[]): Violation[] {
  // Most failures are one error: no pairwise comparison, no map.
  if (errors.length === 1) {
    const e = errors[0]!;
    if (e.keyword === 'if') return [];
    const v: Violation = { instancePath: e.instancePath };
    if (e.keyword === 'required') v.missing = String((e.params as { missingProperty?: string }).missingProperty ?? '');
    return [v];
  }
  const prefixes = errors.map((o) => (o.keyword === 'if' ? undefined : `${o.schemaPath}/`));
  const byPath = new Map<string, Violation>();
  for (const e of errors) {
    if (e.keyword === 'if' || prefixes.some((p, i) => p !== undefined && errors[i] !== e && e.schemaPath.startsWith(p))) continue;
    const v = byPath.get(e.instancePath) ?? { instancePath: e.instancePath };
    if (e.keyword === 'required' && !v.missing) v.missing = String((e.params as { missingProperty?: string }).missingProperty ?? '');
    byPath.set(e.instancePath, v);
  }
  return [...byPath.values()];
}

// The rules that run, by target, for one catalogue and one pair of `only`/`ruleSettings`: worked
// out once, not on every call (the webhook evaluates one object per call). Keyed by identity, so
// those collections must not change after they are first passed in (they are read-only here).
const NO_OPTION = {};
const plans = new WeakMap<readonly Rule[], WeakMap<object, WeakMap<object, Map<Target, PlannedRule[]>>>>();

/** A rule and, when its `when` schema has one, a guard (see guardOf). */
interface PlannedRule {
  rule: Rule;
  guard?: Guard;
}

/** A subject `when` selects has, at `property`, one of `values`. */
interface Guard {
  property: string;
  values: Set<unknown>;
}

/**
 * A test every subject `when` selects passes, read off the schema: a top-level property it
 * requires, with a `const` or an `enum` of plain values (`kind: { enum: [Role, ClusterRole] }`).
 * Keywords of one schema all have to hold, so a subject that fails the guard fails `when`: the
 * loop passes over it without calling the validator (most rules select a few kinds of object
 * out of tens of thousands). Prefers `kind`, the most selective.
 */
export function guardOf(when: RuleMeta['when']): Guard | undefined {
  if (when === null || typeof when !== 'object') return undefined;
  const { required, properties } = when as { required?: unknown; properties?: unknown };
  if (!Array.isArray(required) || properties === null || typeof properties !== 'object') return undefined;
  const plain = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  let guard: Guard | undefined;
  for (const property of required) {
    if (typeof property !== 'string' || !Object.hasOwn(properties, property)) continue;
    const schema = (properties as Record<string, unknown>)[property];
    if (schema === null || typeof schema !== 'object') continue;
    const { const: one, enum: many } = schema as { const?: unknown; enum?: unknown };
    let values: unknown[] | undefined;
    if (Object.hasOwn(schema, 'const') && plain(one)) values = [one];
    else if (Array.isArray(many) && many.every(plain)) values = many;
    if (!values) continue;
    guard = { property, values: new Set(values) };
    if (property === 'kind') break;
  }
  return guard;
}

function rulesByTarget(catalogue: Catalogue, options: EvaluateOptions): Map<Target, PlannedRule[]> {
  let byOnly = plans.get(catalogue.rules);
  if (!byOnly) plans.set(catalogue.rules, (byOnly = new WeakMap()));
  const onlyKey = options.only ?? NO_OPTION;
  let bySettings = byOnly.get(onlyKey);
  if (!bySettings) byOnly.set(onlyKey, (bySettings = new WeakMap()));
  const settingsKey = options.ruleSettings ?? NO_OPTION;
  const known = bySettings.get(settingsKey);
  if (known) return known;
  const byTarget = new Map<Target, PlannedRule[]>();
  for (const rule of catalogue.rules) {
    if (options.only && !options.only.has(rule.id)) continue;
    const setting = options.ruleSettings?.get(rule.id);
    if (setting === 'off') continue;
    if (rule.enabled === false && setting === undefined && !options.only) continue;
    const list = byTarget.get(rule.target) ?? [];
    const guard = rule.whenFn ? guardOf(rule.when) : undefined;
    list.push(guard ? { rule, guard } : { rule });
    byTarget.set(rule.target, list);
  }
  bySettings.set(settingsKey, byTarget);
  return byTarget;
}

export function evaluate(subjects: readonly Subject[], catalogue: Catalogue, options: EvaluateOptions = {}): Finding[] {
  const byTarget = rulesByTarget(catalogue, options);
  const drafts: Draft[] = [];
  for (const subject of subjects) {
    const rules = byTarget.get(subject.target);
    if (!rules) continue;
    for (const { rule, guard } of rules) {
      if (guard && !guard.values.has(subject.data[guard.property])) continue;
      if (rule.whenFn && !rule.whenFn(subject.data)) continue;
      options.onCheck?.(subject, rule);
      if (rule.expectFn(subject.data)) continue;
      for (const v of violations(rule.expectFn.errors ?? [])) drafts.push(draft(rule, subject, v));
    }
  }
  // Supersede reads only rule, place and object: the rest of a finding (message, fingerprint,
  // related places) is made for those that stay (about one in six goes on the bench corpus).
  return supersede(drafts, catalogue).map((d) => makeFinding(d, options));
}

/** A failure located, before it is made a finding. */
interface Draft {
  ruleId: string;
  location: Location;
  object?: ObjectRef;
  rule: Rule;
  subject: Subject;
  violation: Violation;
  /** The instance path the finding is about (`at` for a failure of the whole subject). */
  instancePath: string;
}

function draft(rule: Rule, subject: Subject, violation: Violation): Draft {
  const instancePath = violation.instancePath === '' && rule.at ? rule.at : violation.instancePath;
  return { ruleId: rule.id, location: subject.locate(instancePath), object: subject.object, rule, subject, violation, instancePath };
}

/** The rule's first `severities` entry that matches the subject and the offending value, else its severity. */
function grade(rule: Rule, subject: Subject, v: Violation): Severity {
  if (!rule.gradeFns) return rule.severity;
  const value = getAt(subject.data, v.instancePath);
  const g = rule.gradeFns.find((g) => (!g.subject || g.subject(subject.data)) && (!g.value || g.value(value)));
  return g ? g.severity : rule.severity;
}

function makeFinding(d: Draft, options: EvaluateOptions): Finding {
  const { rule, subject, violation: v, instancePath, location } = d;
  const setting = options.ruleSettings?.get(rule.id) as Severity | undefined;
  const message = renderMessage(rule.message, {
    subject: subject.data,
    instancePath,
    value: getAt(subject.data, instancePath),
    missing: v.missing,
    sensitive: rule.sensitive === true,
    secrets: options.secrets,
  });
  const related = subject.related?.(instancePath);
  return new EvaluatedFinding(rule, setting ?? grade(rule, subject, v), message, location, subject, fingerprint(rule.id, subject.key, location.pointer), related?.length ? related : undefined);
}

/**
 * A finding as the evaluator makes it: the fields of a plain object literal, in the same order.
 * A class so that the optional ones, set in the constructor, sit in the object itself (given to
 * a plain object afterwards they went to a second array: 7 MB for the 90,000 findings of
 * bench/manifests, kept to the end of the scan).
 */
class EvaluatedFinding implements Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  location: Location;
  subjectKey: string;
  fingerprint: string;
  declare object?: ObjectRef;
  declare container?: string;
  declare related?: Location[];

  constructor(rule: Rule, severity: Severity, message: string, location: Location, subject: Subject, fingerprint: string, related: Location[] | undefined) {
    this.ruleId = rule.id;
    this.severity = severity;
    this.title = rule.title;
    this.message = message;
    this.location = location;
    this.subjectKey = subject.key;
    this.fingerprint = fingerprint;
    if (subject.object) this.object = subject.object;
    if (subject.container) this.container = subject.container;
    if (related) this.related = related;
  }
}
