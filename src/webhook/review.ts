// One AdmissionReview (admission.k8s.io/v1) → one answer. The object becomes a document like any
// other (source `admission`, located as cluster:<name>/<namespace>/<kind>/<name>) and goes
// through evaluateLoaded: the same model and rules as aigis scan. Only the object's own findings
// count; findings about its namespace or about context objects from the cache do not.
//
// enforce: deny when a finding is at or above --fail-on; warn: allow and say what enforce would
// deny. Both return findings at or above --warn-on as warnings and add audit annotations.
// On UPDATE, a finding the old object already had does not deny (unless --deny-existing): a
// label change or a controller's finalizer must not be blocked by a weakness that predates it.
// An object aigis cannot evaluate is denied whenever --fail-on could have denied it.

import { objectRef } from '../model/build.js';
import { logicalName } from '../model/subject.js';
import { SEVERITY_RANK, type Finding, type LoadedDocument, type ObjectRef, type Severity, type Source } from '../model/types.js';
import { evaluateLoaded } from '../engine/scan.js';
import type { Catalogue } from '../engine/rule.js';
import type { ConfigIgnore } from '../engine/suppress.js';
import { maskSecrets } from '../cli/output.js';
import { asLoaded, clusterDocument } from '../loaders/cluster/audit.js';
import { contextFields, groupKind, readsField, wantedKinds } from '../loaders/cluster/resources.js';

type Obj = Record<string, unknown>;

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  operation: string;
  namespace?: string;
  name?: string;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason?: string; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/** Objects from the --cluster-context cache that give the requested object its context. */
export interface ContextSource {
  documentsFor(request: { namespace?: string; group: string; kind: string; name?: string; podTemplates: boolean }): LoadedDocument[];
}

export interface ReviewerOptions {
  catalogue: Catalogue;
  mode: 'enforce' | 'warn';
  failOn: Severity | 'none';
  warnOn: Severity | 'none';
  allowInlineSuppressions: boolean;
  denyExisting: boolean;
  /** Cluster name in locations and messages. */
  clusterName: string;
  only?: ReadonlySet<string>;
  ruleSettings?: ReadonlyMap<string, Severity | 'off'>;
  /** `ignore` entries of the config file (their `objects:` patterns). */
  ignores?: ConfigIgnore[];
  context?: ContextSource;
  /** Most warnings returned (kubectl prints each on its own line). */
  maxWarnings?: number;
}

export type Decision = 'allowed' | 'denied' | 'warned' | 'skipped' | 'error';

export interface ReviewOutcome {
  response: AdmissionResponse;
  decision: Decision;
  /** For metrics: the kind (for kinds aigis admits) or `other`, and the operation. */
  kind: string;
  operation: string;
  /** Rules whose findings denied the request. */
  deniedBy: string[];
  findings: Finding[];
}

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Validate the envelope; `message` says what is wrong (the HTTP answer is then 400). */
export function parseReview(text: string): { request: AdmissionRequest; apiVersion: string } | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return { error: `body is not JSON: ${(err as Error).message}` };
  }
  if (!isObj(body)) return { error: 'body is not a JSON object' };
  if (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    return { error: `expected an admission.k8s.io/v1 AdmissionReview (got apiVersion ${JSON.stringify(body.apiVersion)}, kind ${JSON.stringify(body.kind)})` };
  }
  const r = body.request;
  if (!isObj(r)) return { error: 'AdmissionReview has no request' };
  if (typeof r.uid !== 'string' || r.uid === '') return { error: 'request.uid is missing' };
  if (typeof r.operation !== 'string') return { error: 'request.operation is missing' };
  if (!isObj(r.kind) || typeof r.kind.kind !== 'string' || typeof r.kind.group !== 'string') return { error: 'request.kind (group, version, kind) is missing' };
  return { request: r as unknown as AdmissionRequest, apiVersion: body.apiVersion };
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** One short line: warnings and status messages are printed by kubectl, in a terminal. */
function clip(s: string, max: number): string {
  // Most messages hold no control character: test first, replace only when there is one.
  const clean = CONTROL.test(s) ? s.replace(/[\u0000-\u001f\u007f]+/g, ' ') : s;
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

const WARNING_LENGTH = 240;
const STATUS_ENTRIES = 5;

export class Reviewer {
  readonly admitted: Map<string, { podTemplates: boolean }>;
  private readonly source: Source;
  private readonly failBar: number;
  private readonly warnBar: number;

  /** Rule settings for evaluation: the config's, plus `off` for rules that need the cluster around the object when there is none. */
  private readonly ruleSettings?: ReadonlyMap<string, Severity | 'off'>;

  constructor(readonly options: ReviewerOptions) {
    const tables = options.catalogue.tables;
    this.admitted = new Map(wantedKinds(tables).filter((w) => w.admission).map((w) => [groupKind(w.group, w.kind), { podTemplates: w.podTemplates }]));
    this.source = { kind: 'admission', path: `cluster:${options.clusterName}`, context: options.clusterName };
    this.failBar = SEVERITY_RANK[options.failOn];
    this.warnBar = SEVERITY_RANK[options.warnOn];
    this.ruleSettings = options.ruleSettings;
    if (!options.context) {
      const settings = new Map(options.ruleSettings ?? []);
      for (const id of this.needsContext()) settings.set(id, 'off');
      this.ruleSettings = settings;
    }
  }

  /** Rules reading a field that other objects decide (cluster-resources `contextFields`). */
  needsContext(): string[] {
    const fields = contextFields(this.options.catalogue.tables);
    return this.options.catalogue.rules
      .filter((r) => fields.some((f) => f.target === r.target && (readsField(r.when, f.field) || readsField(r.expect, f.field))))
      .map((r) => r.id);
  }

  review(request: AdmissionRequest): ReviewOutcome {
    const gk = groupKind(request.kind.group, request.kind.kind);
    const admitted = this.admitted.get(gk);
    const base = { kind: admitted ? request.kind.kind : 'other', operation: request.operation, deniedBy: [] as string[], findings: [] as Finding[] };
    const allow = (decision: Decision, extra: Partial<AdmissionResponse> = {}): ReviewOutcome => ({ ...base, decision, response: { uid: request.uid, allowed: true, ...extra } });

    // Deletes, connects, status and scale updates, and kinds aigis does not know: allowed at once.
    // Ephemeral containers (kubectl debug) arrive as UPDATE of pods/ephemeralcontainers: checked.
    if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return allow('skipped');
    if (request.subResource && request.subResource !== 'ephemeralcontainers') return allow('skipped');
    if (!admitted) return allow('skipped');

    let secrets: ReadonlySet<string> = new Set();
    try {
      if (!isObj(request.object)) throw new Error('the request carries no object');
      const checked = this.evaluate(request, request.object, admitted.podTemplates);
      secrets = checked.secrets;
      let findings = checked.findings;
      const active = (f: Finding) => !f.suppression;
      let existing = new Set<string>();
      const denying = () => findings.filter((f) => active(f) && SEVERITY_RANK[f.severity] >= this.failBar && !existing.has(f.fingerprint));
      if (request.operation === 'UPDATE' && !this.options.denyExisting && isObj(request.oldObject) && denying().length) {
        existing = new Set(this.evaluate(request, request.oldObject, admitted.podTemplates).findings.map((f) => f.fingerprint));
      }
      const deny = this.options.mode === 'enforce' ? denying() : [];
      findings = findings.filter(active);
      const outcome = this.answer(request, findings, deny, existing, secrets);
      return { ...base, ...outcome };
    } catch (err) {
      const message = maskSecrets(`aigis could not evaluate ${describe(request)}: ${(err as Error).message}`, secrets);
      if (this.options.mode === 'enforce' && this.options.failOn !== 'none') {
        return {
          ...base,
          decision: 'error',
          response: { uid: request.uid, allowed: false, status: { code: 500, reason: 'InternalError', message: clip(`${message}; denied, because a finding at or above ${this.options.failOn} could not be ruled out`, 1000) }, auditAnnotations: { decision: 'error' } },
        };
      }
      return { ...base, decision: 'error', response: { uid: request.uid, allowed: true, warnings: [clip(message, WARNING_LENGTH)], auditAnnotations: { decision: 'error' } } };
    }
  }

  private day = { until: 0, date: '' };

  /** Today (UTC) for suppression expiry, worked out once a day rather than once a review. */
  private today(): string {
    const now = Date.now();
    if (now >= this.day.until) {
      const date = new Date(now).toISOString().slice(0, 10);
      this.day = { until: Date.parse(`${date}T00:00:00Z`) + 86_400_000, date };
    }
    return this.day.date;
  }

  private evaluate(request: AdmissionRequest, raw: Obj, podTemplates: boolean): { findings: Finding[]; secrets: ReadonlySet<string> } {
    // The API server sends the object as stored: make sure it names its kind and namespace.
    const obj: Obj = { ...raw };
    if (typeof obj.apiVersion !== 'string') obj.apiVersion = request.kind.group ? `${request.kind.group}/${request.kind.version}` : request.kind.version;
    if (typeof obj.kind !== 'string') obj.kind = request.kind.kind;
    const meta: Obj = isObj(obj.metadata) ? { ...obj.metadata } : {};
    if (meta.namespace === undefined && request.namespace) meta.namespace = request.namespace;
    if (meta.name === undefined && meta.generateName === undefined && request.name) meta.name = request.name;
    obj.metadata = meta;

    const documents: LoadedDocument[] = [clusterDocument(obj, this.source)];
    const ref = objectRef(obj);
    if (this.options.context) {
      // A loop, not push(...): a namespace may hold more objects than a call takes arguments.
      for (const d of this.options.context.documentsFor({ namespace: ref.namespace, group: request.kind.group, kind: request.kind.kind, name: ref.name, podTemplates })) documents.push(d);
    }
    const result = evaluateLoaded(asLoaded(documents), {
      catalogue: this.options.catalogue,
      only: this.options.only,
      ruleSettings: this.ruleSettings,
      suppress: { inline: this.options.allowInlineSuppressions, ignores: this.options.ignores, today: this.today() },
    });
    const logical = logicalName(this.source.path, this.source.context, ref);
    const targetOf = (id: string) => this.options.catalogue.byId.get(id)?.target;
    const findings = result.findings.filter((f) =>
      targetOf(f.ruleId) !== 'namespace' && (f.object ? sameObject(f.object, ref) : f.location.logical === logical),
    );
    return { findings, secrets: result.secrets };
  }

  private answer(request: AdmissionRequest, findings: Finding[], deny: Finding[], existing: Set<string>, secrets: ReadonlySet<string>): Pick<ReviewOutcome, 'response' | 'decision' | 'deniedBy' | 'findings'> {
    const mask = (s: string) => maskSecrets(s, secrets);
    const bySeverity = [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    const deniedBy = [...new Set(deny.map((f) => f.ruleId))];
    const shown = bySeverity.filter((f) => SEVERITY_RANK[f.severity] >= this.warnBar);
    const max = this.options.maxWarnings ?? 10;
    const wouldDeny = (f: Finding) => this.options.mode === 'warn' && SEVERITY_RANK[f.severity] >= this.failBar && !existing.has(f.fingerprint);
    const warnings = shown.slice(0, max).map((f) => {
      const note = existing.has(f.fingerprint) ? ' (already there before this update)' : wouldDeny(f) ? ' (enforce mode would deny)' : '';
      // The note says why an entry does or does not deny: it survives the cut.
      return clip(mask(`aigis ${f.severity} ${f.ruleId} at ${f.location.pointer || '/'}: ${f.message}`), WARNING_LENGTH - note.length) + note;
    });
    if (shown.length > max) warnings.push(`aigis: ${shown.length - max} more finding(s); run aigis audit or aigis scan for all of them`);

    const auditAnnotations: Record<string, string> = {};
    if (findings.length) auditAnnotations.findings = clip(bySeverity.map((f) => `${f.ruleId}=${f.severity}`).join(','), 1000);
    const response: AdmissionResponse = { uid: request.uid, allowed: deny.length === 0 };
    let decision: Decision = 'allowed';
    if (deny.length) {
      decision = 'denied';
      const entries = deny.slice(0, STATUS_ENTRIES).map((f) => `${f.ruleId} (${f.severity}) at ${f.location.pointer || '/'}: ${f.message}`);
      const more = deny.length > STATUS_ENTRIES ? `; and ${deny.length - STATUS_ENTRIES} more` : '';
      response.status = { code: 403, reason: 'Forbidden', message: clip(mask(`aigis denied ${describe(request)}: ${entries.join('; ')}${more}`), 2000) };
      auditAnnotations['denied-by'] = deniedBy.join(',');
    } else if (warnings.length) {
      decision = 'warned';
    }
    if (warnings.length) response.warnings = warnings;
    auditAnnotations.decision = decision;
    response.auditAnnotations = auditAnnotations;
    return { response, decision, deniedBy, findings };
  }
}

function sameObject(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && a.apiVersion === b.apiVersion;
}

function describe(request: AdmissionRequest): string {
  const obj = isObj(request.object) ? request.object : {};
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const name = request.name || (typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '?');
  return `${request.kind.kind} ${request.namespace ? `${request.namespace}/` : ''}${name}`;
}
