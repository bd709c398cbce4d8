import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { loadCatalogue } from '../src/rules/catalogue.js';
import { evaluate } from '../src/engine/evaluate.js';
import { shellParser, parseScript } from '../src/loaders/dockerfile/shell.js';
const dir = process.argv[2]!;
const files: string[] = [];
(function walk(d: string) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/Dockerfile/.test(e.name)) files.push(p); } })(dir);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const cat = await loadCatalogue();
await shellParser();
let shellMs = 0;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let rep = 0; rep < Number(process.argv[3] ?? 2); rep++) {
  let t = cpu();
  for (const x of texts) DockerfileParser.parse(x).getInstructions();
  const tParse = cpu() - t;
  t = cpu();
  shellMs = 0;
  const subjects = [];
  for (let i = 0; i < texts.length; i++) { const r = await loadDockerfileText(texts[i]!, { kind: 'file', path: files[i]! }, cat.tables); subjects.push(...r.subjects); }
  const tLoad = cpu() - t;
  t = cpu();
  const f = evaluate(subjects, cat, {});
  const tEval = cpu() - t;
  console.log(`files ${texts.length}: bare parse ${tParse.toFixed(0)} ms, load ${tLoad.toFixed(0)} ms (${(tLoad / tParse).toFixed(2)}×), mvdan ${shellMs.toFixed(0)} ms, evaluate ${tEval.toFixed(0)} ms, findings ${f.length}`);
}
