import fs from 'node:fs';
import path from 'node:path';
import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { plainCommands, shellParser } from '../src/loaders/dockerfile/shell.js';
import { loadDataDir } from '../src/rules/data.js';
const tables = loadDataDir('rules.d');
const parser: any = await shellParser();
const parse = (s: string) => parser.Parse(s, '').__internal_object__;
const files: string[] = [];
(function walk(d: string) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/Dockerfile/.test(e.name)) files.push(p); } })(process.argv[2]!);
const reasons = new Map<string, { n: number; chars: number }>();
let plainChars = 0, otherChars = 0;
for (const f of files) {
  const r = await loadDockerfileText(fs.readFileSync(f, 'utf8'), { kind: 'file', path: f }, tables);
  for (const s of r.subjects as any[]) for (const run of s.data.runs ?? []) {
    if (run.form !== 'shell') continue;
    if (plainCommands(run.text, () => undefined, parse, 0)) { plainChars += run.text.length; continue; }
    otherChars += run.text.length;
    const t = run.text;
    const why = /<</.test(t) ? 'heredoc' : /\$\(/.test(t) ? 'cmdsubst' : /`/.test(t) ? 'backtick' : /\$\{[A-Za-z_][A-Za-z0-9_]*[:#%\/-]/.test(t) ? 'param-op' : /\\/.test(t) ? 'backslash' : /(^|[;&|\s])(if|for|while|case)\s/.test(t) ? 'control' : /#/.test(t) ? 'hash' : /[(){}]/.test(t) ? 'paren/brace' : /!/.test(t) ? 'bang' : 'other';
    const e = reasons.get(why) ?? { n: 0, chars: 0 }; e.n++; e.chars += t.length; reasons.set(why, e);
  }
}
console.log({ plainChars, otherChars }, [...reasons].sort((a, b) => b[1].chars - a[1].chars));
