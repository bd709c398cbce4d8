import { parseArgs } from 'node:util';
import type { Rule } from '../../engine/rule.js';
import { loadCatalogue } from '../../rules/catalogue.js';
import { UsageError } from '../../util/errors.js';
import type { CliIO } from '../io.js';
import type { Command } from './types.js';

const USAGE = `Usage: aigis explain [--rules DIR] RULE-ID

Print one rule: what it checks, why it matters, how to fix it and where to read more.`;

export function explainRule(r: Rule): string {
  const lines = [`${r.id} — ${r.title}`, '', `severity: ${r.severity}    target: ${r.target}    area: ${r.area}`];
  for (const g of r.severities ?? []) lines.push(`severity ${g.severity} ${g.description ?? 'under a condition'}`);
  if (r.enabled === false) lines.push('off by default: enable it in .aigis.yaml (rules: {' + r.id + ': ' + r.severity + '})');
  if (r.tags?.length) lines.push(`tags: ${r.tags.join(', ')}`);
  if (r.aliases?.length) lines.push(`also known as: ${r.aliases.join(', ')}`);
  if (r.supersedes?.length) lines.push(`supersedes: ${r.supersedes.join(', ')}`);
  if (r.description) lines.push('', r.description.trim());
  lines.push('', 'Fix:', r.remediation.trim());
  if (r.references?.length) lines.push('', 'References:', ...r.references.map((u) => `  ${u}`));
  lines.push('', `Suppress: annotation ignore.aigis.dev/${r.id}: "<reason>" on the object (manifests), or # aigis-ignore ${r.id} <reason> above the instruction (Dockerfiles).`);
  return lines.join('\n') + '\n';
}

export const explainCommand: Command = {
  summary: 'explain one rule',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { rules: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('explain takes exactly one RULE-ID');
    const catalogue = await loadCatalogue({ ruleDirs: values.rules });
    const id = positionals[0]!;
    const rule = catalogue.byId.get(id) ?? catalogue.rules.find((r) => r.replaces?.includes(id) || r.aliases?.includes(id));
    if (!rule) {
      const near = catalogue.rules.filter((r) => r.id.includes(id) || id.includes(r.id)).map((r) => r.id);
      throw new UsageError(`unknown rule "${id}"${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}`);
    }
    io.stdout.write(explainRule(rule));
    return 0;
  },
};
