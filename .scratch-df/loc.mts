import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { loadDataDir } from '../src/rules/data.js';
import fs from 'node:fs';
const tables = loadDataDir('rules.d');
const file = process.argv[2]!;
const r = await loadDockerfileText(fs.readFileSync(file, 'utf8'), { kind: 'file', path: file }, tables);
for (const p of r.problems) console.log('PROBLEM', p.code, p.position?.line, p.position?.column, p.message);
for (const s of r.subjects) {
  for (const path of process.argv.slice(3)) {
    const l = s.locate(path);
    console.log(s.target, s.key.split('#')[1] ?? '', path, '->', `${l.position?.line}:${l.position?.column}-${l.position?.endLine}:${l.position?.endColumn}`, l.pointer);
  }
}
