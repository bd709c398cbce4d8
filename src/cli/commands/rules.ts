import { parseArgs } from 'node:util';
import type { Rule } from '../../engine/rule.js';
import { loadCatalogue } from '../../rules/catalogue.js';
import { UsageError } from '../../util/errors.js';
import type { CliIO } from '../io.js';
import type { Command } from './types.js';

const USAGE = `Usage: aigis rules [options]

List the rule catalogue: id, severity, target and title.

Options:
      --format FORMAT   text (default) or json
      --rules DIR       include the rules in DIR; repeatable
      --tag TAG         only rules with this tag (ai, gpu, secrets, …); repeatable
  -h, --help            show this help`;

export function ruleSummary(r: Rule): Record<string, unknown> {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    target: r.target,
    area: r.area,
    tags: r.tags ?? [],
    aliases: r.aliases ?? [],
    enabled: r.enabled !== false,
    builtin: r.builtin,
  };
}

export const rulesCommand: Command = {
  summary: 'list the rule catalogue',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        format: { type: 'string' },
        rules: { type: 'string', multiple: true },
        tag: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}")`);
    const catalogue = await loadCatalogue({ ruleDirs: values.rules });
    const rules = catalogue.rules
      .filter((r) => !values.tag?.length || values.tag.some((t) => r.tags?.includes(t)))
      .sort((a, b) => a.area.localeCompare(b.area) || a.id.localeCompare(b.id));
    if (format === 'json') {
      io.stdout.write(JSON.stringify(rules.map(ruleSummary), null, 2) + '\n');
      return 0;
    }
    const idW = Math.max(2, ...rules.map((r) => r.id.length));
    const tW = Math.max(6, ...rules.map((r) => r.target.length));
    io.stdout.write(`${'ID'.padEnd(idW)}  SEVERITY  ${'TARGET'.padEnd(tW)}  TITLE\n`);
    for (const r of rules) {
      const off = r.enabled === false ? ' (off by default)' : '';
      io.stdout.write(`${r.id.padEnd(idW)}  ${r.severity.padEnd(8)}  ${r.target.padEnd(tW)}  ${r.title}${off}\n`);
    }
    io.stdout.write(`\n${rules.length} rules · aigis explain ID for details · docs/rules.md\n`);
    return 0;
  },
};
