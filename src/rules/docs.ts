// docs/rules.md, generated from rules.d (npm run docs); test/meta checks it is up to date.

import type { Rule } from '../engine/rule.js';

const AREA_TITLES: Record<string, string> = {
  input: 'Input problems',
  'pod-security': 'Pod security',
  host: 'Host access',
  images: 'Images',
  resources: 'Resources',
  secrets: 'Secrets',
  network: 'Network exposure',
  rbac: 'RBAC',
};

function areaTitle(area: string): string {
  return AREA_TITLES[area] ?? area.split('-').map((w) => (w === 'ai' || w === 'gpu' ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1))).join(' ');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function rulesMarkdown(rules: readonly Rule[]): string {
  const sorted = [...rules].sort((a, b) => a.area.localeCompare(b.area) || a.id.localeCompare(b.id));
  const areas = [...new Set(sorted.map((r) => r.area))];
  const out: string[] = [
    '# Rule reference',
    '',
    '<!-- Generated from rules.d by `npm run docs`; do not edit by hand. -->',
    '',
    `${sorted.length} rules. Severity is the default; re-grade or turn a rule off in \`.aigis.yaml\` (docs/config.md).`,
    'Each rule names its target subject (docs/model.md), what fires it, how to fix it, and the closest',
    'check ids of other tools (kube-linter, Trivy, Checkov, Kubescape, Polaris, hadolint) under "also known as".',
    '',
  ];
  for (const area of areas) {
    out.push(`## ${areaTitle(area)}`, '', '| id | severity | target | title |', '|---|---|---|---|');
    for (const r of sorted.filter((x) => x.area === area)) {
      const off = r.enabled === false ? ' (off by default)' : '';
      out.push(`| [\`${r.id}\`](#${r.id}) | ${r.severity} | ${r.target} | ${cell(r.title)}${off} |`);
    }
    out.push('');
  }
  out.push('---', '');
  for (const r of sorted) {
    out.push(`### ${r.id}`, '', `**${r.title}** · severity **${r.severity}** · target \`${r.target}\` · area ${r.area}${r.enabled === false ? ' · off by default' : ''}`, '');
    if (r.description) out.push(r.description.trim(), '');
    for (const g of r.severities ?? []) out.push(`Severity **${g.severity}** ${g.description ?? 'under a condition'}.`, '');
    out.push(`**Fix.** ${r.remediation.trim()}`, '');
    if (r.tags?.length) out.push(`Tags: ${r.tags.map((t) => `\`${t}\``).join(', ')}`, '');
    if (r.aliases?.length) out.push(`Also known as: ${r.aliases.map((a) => `\`${a}\``).join(', ')}`, '');
    if (r.supersedes?.length) out.push(`Supersedes: ${r.supersedes.map((s) => `[\`${s}\`](#${s})`).join(', ')} (one finding where both fire on the same field)`, '');
    if (r.replaces?.length) out.push(`Formerly: ${r.replaces.map((s) => `\`${s}\``).join(', ')}`, '');
    if (r.references?.length) out.push('References:', '', ...r.references.map((u) => `- <${u}>`), '');
    out.push(`Source: [\`${r.file}\`](../${r.file})`, '');
  }
  return out.join('\n');
}

export interface SubjectSchema {
  title?: string;
  description?: string;
  properties?: Record<string, { description?: string }>;
  additionalProperties?: boolean;
}

export const FIELDS_BEGIN = '<!-- fields:begin (generated from src/rules/subjects by `npm run docs`) -->';
export const FIELDS_END = '<!-- fields:end -->';

/** The field index of docs/model.md: every target and its top-level fields. */
export function fieldsMarkdown(schemas: Record<string, SubjectSchema>): string {
  const out: string[] = [FIELDS_BEGIN, ''];
  for (const [target, s] of Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`### \`${target}\``, '');
    if (s.description) out.push(s.description, '');
    const raw = Object.entries(s.properties ?? {}).filter(([, p]) => p.description?.startsWith('(raw'));
    const derived = Object.entries(s.properties ?? {}).filter(([, p]) => !p.description?.startsWith('(raw'));
    if (derived.length) {
      out.push('| field | what |', '|---|---|');
      for (const [name, p] of derived.sort(([a], [b]) => a.localeCompare(b))) out.push(`| \`${name}\` | ${(p.description ?? '').replace(/\|/g, '\\|')} |`);
      out.push('');
    }
    if (raw.length) out.push(`Raw fields: ${raw.map(([n]) => `\`${n}\``).sort().join(', ')}.`, '');
    if (s.additionalProperties !== false) out.push('Other fields of the object are there as written.', '');
  }
  out.push(FIELDS_END);
  return out.join('\n');
}

/** Replace the generated region of docs/model.md. */
export function withFields(model: string, fields: string): string {
  const a = model.indexOf(FIELDS_BEGIN);
  const b = model.indexOf(FIELDS_END);
  if (a < 0 || b < 0) return `${model.trimEnd()}\n\n## Field index\n\n${fields}\n`;
  return model.slice(0, a) + fields + model.slice(b + FIELDS_END.length);
}
