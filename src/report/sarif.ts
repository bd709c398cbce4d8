// SARIF 2.1.0 for GitHub code scanning (docs/sarif.md). One run; a rules array holding every
// rule that could report, with help and `security-severity`; results located by a region that
// is never 0 or missing for file inputs, with URIs relative to %SRCROOT% (--sarif-root, default
// the git work tree); Helm output points at the chart's template (--chart-dir) with the rendered
// file as a related location; cluster objects get logical locations; suppressed findings carry
// `suppressions`; partialFingerprints come from the rule, object and field, never a line.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Rule } from '../engine/rule.js';
import { SEVERITY_RANK, type Finding, type Location, type Position, type Severity } from '../model/types.js';
import { parsePointer } from '../util/pointer.js';
import type { ReportContext } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** partialFingerprints key (GitHub reserves and recomputes primaryLocationLineHash). */
export const FINGERPRINT_KEY = 'aigisFinding/v1';

export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): SarifLevel {
  return SEVERITY_RANK[s] >= SEVERITY_RANK.high ? 'error' : s === 'medium' ? 'warning' : 'note';
}

export interface SarifOptions {
  /** --sarif-root (relative to the working directory). */
  sarifRoot?: string;
  /** --chart-dir, repeatable. */
  chartDirs?: string[];
  ruleSettings?: ReadonlyMap<string, Severity | 'off'>;
  /** --rule: the run was limited to these rules. */
  only?: string[];
}

type Json = Record<string, unknown>;

/** The git work tree holding `dir` (a folder with `.git`), else undefined. */
export function gitRoot(dir: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** Rules that could report in this run: not turned off, not limited away by --rule. */
export function reportingRules(ctx: ReportContext, o: SarifOptions): Rule[] {
  const only = o.only?.length ? new Set(o.only) : undefined;
  const rules = ctx.catalogue.rules.filter((r) => {
    if (only) return only.has(r.id);
    const setting = o.ruleSettings?.get(r.id);
    if (setting === 'off') return false;
    return r.enabled !== false || setting !== undefined;
  });
  // A finding from a rule not in the list (never expected) still gets a descriptor.
  const ids = new Set(rules.map((r) => r.id));
  for (const f of ctx.result.findings) {
    if (ids.has(f.ruleId)) continue;
    const r = ctx.catalogue.byId.get(f.ruleId);
    if (r) rules.push(r);
    ids.add(f.ruleId);
  }
  return rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}

function sentence(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function ruleHelpUri(informationUri: string, id: string): string {
  return `${informationUri}/blob/main/docs/rules.md#${id}`;
}

function ruleDescriptor(rule: Rule, severity: Severity, informationUri: string): Json {
  const description = rule.description ? sentence(rule.description) : sentence(rule.title);
  const refs = rule.references ?? [];
  const aliases = rule.aliases ?? [];
  const suppressHow = rule.target === 'problem' ? '' : `Suppress one finding with the annotation \`ignore.aigis.dev/${rule.id}: "<reason>"\` (Kubernetes) or the comment \`# aigis-ignore ${rule.id} <reason>\` (Dockerfile).`;
  const text = [
    `${rule.title} (${severity}).`,
    description,
    `Fix: ${rule.remediation.replace(/\s+/g, ' ').trim()}`,
    refs.length ? `References: ${refs.join(' ')}` : '',
    aliases.length ? `Also known as: ${aliases.join(', ')}.` : '',
    suppressHow.replace(/`/g, ''),
  ]
    .filter(Boolean)
    .join('\n\n');
  const markdown = [
    `**${rule.title}** · severity **${severity}** · target \`${rule.target}\``,
    rule.description?.trim() ?? '',
    `**Fix.** ${rule.remediation.trim()}`,
    refs.length ? `**References**\n\n${refs.map((r) => `- <${r}>`).join('\n')}` : '',
    aliases.length ? `**Also known as:** ${aliases.map((a) => `\`${a}\``).join(', ')}` : '',
    suppressHow,
  ]
    .filter(Boolean)
    .join('\n\n');
  const tags = [...new Set(['security', ...(rule.tags ?? [])])];
  return {
    id: rule.id,
    name: pascal(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: description },
    help: { text, markdown },
    helpUri: ruleHelpUri(informationUri, rule.id),
    defaultConfiguration: { level: sarifLevel(severity) },
    properties: {
      tags,
      precision: rule.precision ?? 'high',
      'security-severity': SECURITY_SEVERITY[severity],
      'problem.severity': severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'recommendation',
    },
  };
}

interface ChartDir {
  name: string;
  dir: string;
}

function readChartDirs(dirs: readonly string[], cwd: string): ChartDir[] {
  return dirs.map((d) => {
    const dir = path.resolve(cwd, d);
    let name = path.basename(dir);
    try {
      const chart = parseYaml(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as { name?: unknown } | null;
      if (chart && typeof chart.name === 'string' && chart.name) name = chart.name;
    } catch {
      // No readable Chart.yaml: the folder's name stands for the chart's.
    }
    return { name, dir };
  });
}

/** Best-effort line of the offending key in a Helm template (which is not YAML until rendered). */
export function templatePosition(text: string, pointer: string): Position {
  const lines = text.split('\n');
  const keys = parsePointer(pointer).filter((s) => !/^\d+$/.test(s));
  let cursor = 0;
  let found: Position | undefined;
  for (const key of keys) {
    const re = new RegExp(`^(\\s*(?:-\\s+)?)(["']?)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\2\\s*:`);
    for (let i = cursor; i < lines.length; i++) {
      const m = re.exec(lines[i]!);
      if (!m) continue;
      const column = m[1]!.length + 1;
      found = { line: i + 1, column, endLine: i + 1, endColumn: column + key.length + 2 * m[2]!.length };
      cursor = i + 1;
      break;
    }
  }
  if (found) return found;
  // The object itself: its `kind:` line, else the first line.
  const kind = lines.findIndex((l) => /^kind\s*:/.test(l));
  const line = kind >= 0 ? kind + 1 : 1;
  return { line, column: 1, endLine: line, endColumn: Math.max(2, (lines[line - 1] ?? '').length + 1) };
}

class Locator {
  readonly root: string;
  private readonly charts: ChartDir[];
  private readonly templates = new Map<string, { file: string; text: string } | null>();

  constructor(
    private readonly cwd: string,
    o: SarifOptions,
  ) {
    this.root = o.sarifRoot ? path.resolve(cwd, o.sarifRoot) : (gitRoot(cwd) ?? cwd);
    this.charts = readChartDirs(o.chartDirs ?? [], cwd);
  }

  /** artifactLocation for a file named relative to the working directory. */
  artifact(file: string): Json {
    const abs = path.resolve(this.cwd, file);
    const rel = path.relative(this.root, abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
    }
    return { uri: pathToFileURL(abs).href };
  }

  /** The chart template a Helm `# Source:` names, when it exists under a --chart-dir. */
  template(helmSource: string): { file: string; text: string } | undefined {
    if (!this.charts.length) return undefined;
    let hit = this.templates.get(helmSource);
    if (hit === undefined) {
      hit = null;
      const [chart, ...rest] = helmSource.split('/');
      const candidates = this.charts.filter((c) => c.name === chart);
      // One chart folder given whose name differs from the rendered chart's: still try it.
      if (!candidates.length && this.charts.length === 1) candidates.push(this.charts[0]!);
      for (const c of candidates) {
        const file = path.join(c.dir, ...rest);
        if (!file.startsWith(c.dir + path.sep)) continue;
        try {
          if (fs.statSync(file).isFile()) {
            hit = { file: path.relative(this.cwd, file) || file, text: fs.readFileSync(file, 'utf8') };
            break;
          }
        } catch {
          // not there
        }
      }
      this.templates.set(helmSource, hit);
    }
    return hit ?? undefined;
  }
}

function region(p: Position | undefined): Json {
  // No position: a binary input (an image tarball) as a whole.
  if (!p) return { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  const startLine = Math.max(1, p.line);
  const startColumn = Math.max(1, p.column);
  let endLine = Math.max(startLine, p.endLine);
  let endColumn = Math.max(1, p.endColumn);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  if (endLine < startLine) endLine = startLine;
  return { startLine, startColumn, endLine, endColumn };
}

function objectName(f: Pick<Finding, 'object' | 'container'>): string | undefined {
  const o = f.object;
  if (!o?.kind) return undefined;
  return [o.kind, o.namespace, o.name].filter((x) => x !== undefined && x !== '').join('/');
}

interface Placed {
  /** The SARIF location. */
  location: Json;
  /** The rendered file, when the primary location is a Helm template. */
  rendered?: Json;
}

function place(l: Location, loc: Locator, f?: Pick<Finding, 'object' | 'container'>): Placed {
  const logical: Json[] = [];
  const name = f ? objectName(f) : undefined;
  if (l.logical) {
    logical.push({ name: l.logical.split('/').pop() ?? l.logical, fullyQualifiedName: l.logical, kind: 'resource' });
    const field = parsePointer(l.pointer).pop();
    if (l.pointer && field !== undefined) logical.push({ name: field, fullyQualifiedName: `${l.logical}${l.pointer}`, kind: 'property' });
  } else if (name) {
    logical.push({ name: f!.object!.name ?? name, fullyQualifiedName: name, kind: 'resource' });
  }
  if (l.image !== undefined) {
    // A file inside an image tarball: the tarball is the artifact, the path a logical location.
    logical.push({ name: l.image, fullyQualifiedName: l.image, kind: 'module' });
    if (l.pointer) {
      const entry: Json = { name: l.pointer.split('/').pop() || l.pointer, fullyQualifiedName: `${l.image}:${l.pointer}`, kind: 'resource' };
      if (l.layer) entry.properties = { layer: l.layer };
      logical.push(entry);
    }
  }
  const out: Json = {};
  if (l.message) out.message = { text: l.message };
  let rendered: Json | undefined;
  const tpl = l.helmSource ? loc.template(l.helmSource) : undefined;
  if (tpl) {
    out.physicalLocation = { artifactLocation: loc.artifact(tpl.file), region: region(templatePosition(tpl.text, l.pointer)) };
    if (l.file && l.file !== '-') {
      rendered = { physicalLocation: { artifactLocation: loc.artifact(l.file), region: region(l.position) }, message: { text: 'where helm template rendered it' } };
    }
  } else if (l.file && l.file !== '-') {
    out.physicalLocation = { artifactLocation: loc.artifact(l.file), region: region(l.position) };
  } else if (l.file === '-' && !l.logical) {
    logical.unshift({ name: 'stdin', fullyQualifiedName: l.helmSource ? `stdin:${l.helmSource}` : 'stdin', kind: 'resource' });
  }
  if (logical.length) out.logicalLocations = logical;
  const placed: Placed = { location: out };
  if (rendered) placed.rendered = rendered;
  return placed;
}

export function sarifReport(ctx: ReportContext): string {
  const o = ctx.options as SarifOptions;
  const loc = new Locator(ctx.cwd, o);
  const rules = reportingRules(ctx, o);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const severityOf = (r: Rule): Severity => {
    const s = o.ruleSettings?.get(r.id);
    return s && s !== 'off' ? s : r.severity;
  };

  const results = ctx.result.findings.map((f) => {
    const primary = place(f.location, loc, f);
    const related: Json[] = [];
    if (primary.rendered) related.push(primary.rendered);
    for (const r of f.related ?? []) related.push(place(r, loc).location);
    related.forEach((r, i) => (r.id = i + 1));
    const result: Json = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId) ?? -1,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [primary.location],
    };
    if (related.length) result.relatedLocations = related;
    result.partialFingerprints = { [FINGERPRINT_KEY]: f.fingerprint };
    if (f.suppression) result.suppressions = [{ kind: f.suppression.kind, justification: f.suppression.justification }];
    const props: Json = { severity: f.severity };
    if (f.location.pointer) props.pointer = f.location.pointer;
    if (f.container) props.container = f.container;
    result.properties = props;
    return result;
  });

  const notifications = ctx.result.errors.map((e) => {
    const n: Json = { level: 'error', message: { text: e.message } };
    if (e.file) {
      const physical: Json = { artifactLocation: loc.artifact(e.file) };
      if (e.line) physical.region = e.column ? { startLine: e.line, startColumn: e.column } : { startLine: e.line };
      n.locations = [{ physicalLocation: physical }];
    }
    return n;
  });

  const run: Json = {
    tool: {
      driver: {
        name: ctx.tool.name,
        version: ctx.tool.version,
        semanticVersion: ctx.tool.version,
        informationUri: ctx.tool.informationUri,
        rules: rules.map((r) => ruleDescriptor(r, severityOf(r), ctx.tool.informationUri)),
      },
    },
    invocations: [{ executionSuccessful: ctx.result.errors.length === 0, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
    originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(loc.root).href.replace(/\/?$/, '/') } },
    columnKind: 'utf16CodeUnits',
    results,
  };
  return JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] }, null, 2) + '\n';
}
