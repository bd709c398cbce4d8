import fs from 'node:fs';
import path from 'node:path';
import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { parseScript, plainCommands, shellParser } from '../src/loaders/dockerfile/shell.js';
import { loadDataDir } from '../src/rules/data.js';
const tables = loadDataDir('rules.d');
const parser: any = await shellParser();
const parse = (s: string) => parser.Parse(s, '').__internal_object__;
const files: string[] = [];
(function walk(d: string) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/Dockerfile/.test(e.name)) files.push(p); } })(process.argv[2]!);
let total = 0, plain = 0, diff = 0;
const lookup = (n: string) => (n === 'HOME' ? '/root' : undefined);
for (const f of files) {
  const r = await loadDockerfileText(fs.readFileSync(f, 'utf8'), { kind: 'file', path: f }, tables);
  for (const s of r.subjects as any[]) for (const run of s.data.runs ?? []) {
    if (run.form !== 'shell') continue;
    total++;
    const fast = plainCommands(run.text, lookup, parse, 0);
    if (!fast) continue;
    plain++;
    const slow = parseScript(run.text, lookup, parse, 0, false);
    const canon = (x: unknown): string => JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
    const a = canon(fast), b = canon(slow.commands);
    if (a !== b) { diff++; if (diff < 4) console.log('DIFF', f, JSON.stringify(run.text).slice(0, 300), '\n fast', a.slice(0, 600), '\n slow', b.slice(0, 600)); }
  }
}
console.log({ total, plain, diff });
