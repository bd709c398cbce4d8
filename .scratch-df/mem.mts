import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { loadCatalogue } from '../src/rules/catalogue.js';
const dir = process.argv[2]!;
const files: string[] = [];
(function walk(d: string) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/Dockerfile/.test(e.name)) files.push(p); } })(dir);
const cat = await loadCatalogue();
const g = (globalThis as any).gc as () => void;
g(); const before = process.memoryUsage().heapUsed;
const keep: unknown[] = [];
for (const f of files) { const r = await loadDockerfileText(fs.readFileSync(f, 'utf8'), { kind: 'file', path: f }, cat.tables); keep.push(r); }
g(); const after = process.memoryUsage().heapUsed;
console.log(files.length, 'files', ((after - before) / files.length / 1024).toFixed(1), 'KB per file retained');
if (process.argv[3]) v8.writeHeapSnapshot(process.argv[3]);
