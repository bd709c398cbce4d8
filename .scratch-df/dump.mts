import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { loadDataDir } from '../src/rules/data.js';
import fs from 'node:fs';
const tables = loadDataDir('/work/main/rules.d');
const file = process.argv[2]!;
const r = await loadDockerfileText(fs.readFileSync(file, 'utf8'), { kind: 'file', path: file }, tables);
console.log(JSON.stringify(r.problems, null, 1));
console.log('secrets', r.secrets);
for (const s of r.subjects) {
  console.log('====', s.target, s.key);
  const want = process.argv[3];
  const d = want ? Object.fromEntries(want.split(',').map((k) => [k, s.data[k]])) : s.data;
  console.log(JSON.stringify(d, null, 1));
}
