import fs from 'node:fs';
import path from 'node:path';
import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { loadCatalogue } from '../src/rules/catalogue.js';
const dir = process.argv[2]!;
const files: string[] = [];
(function walk(d: string) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/Dockerfile/.test(e.name)) files.push(p); } })(dir);
const cat = await loadCatalogue();
let json = 0, spans = 0, text = 0, infos = 0;
const byField: Record<string, number> = {};
for (const f of files) {
  const src = fs.readFileSync(f, 'utf8'); text += src.length;
  const r = await loadDockerfileText(src, { kind: 'file', path: f }, cat.tables);
  for (const s of r.subjects as any[]) {
    json += JSON.stringify(s.data).length; spans += s.spans.size;
    for (const [k, v] of Object.entries(s.data)) byField[k] = (byField[k] ?? 0) + JSON.stringify(v ?? null).length;
    infos += s.file.instructions.reduce((n: number, i: any) => n + i.text.length, 0);
  }
}
console.log({ files: files.length, textKB: text / 1024 | 0, jsonKB: json / 1024 | 0, spans, infosKB: infos / 1024 | 0 });
console.log(Object.entries(byField).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${(v / 1024) | 0}KB`).join(', '));
