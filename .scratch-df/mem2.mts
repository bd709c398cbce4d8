import fs from 'node:fs';
import path from 'node:path';
import { loadDockerfileText } from '../src/loaders/dockerfile/index.js';
import { loadCatalogue } from '../src/rules/catalogue.js';
const dir = process.argv[2]!;
const files: string[] = [];
(function walk(d: string) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/Dockerfile/.test(e.name)) files.push(p); } })(dir);
const cat = await loadCatalogue();
const g = (globalThis as any).gc as () => void;
g(); const before = process.memoryUsage().heapUsed;
const keep: any[] = [];
for (const f of files) { const r = await loadDockerfileText(fs.readFileSync(f, 'utf8'), { kind: 'file', path: f }, cat.tables); keep.push(r); }
const measure = (label: string) => { g(); console.log(label, ((process.memoryUsage().heapUsed - before) / files.length / 1024).toFixed(1), 'KB/file'); };
measure('all');
for (const r of keep) for (const s of r.subjects) s.spans.clear();
measure('no spans');
for (const r of keep) for (const s of r.subjects) { for (const c of s.data.commands ?? []) { c.summary = ''; c.args = []; c.opts = {}; } }
measure('no summary/args/opts');
for (const r of keep) for (const s of r.subjects) { if (s.data.runs) for (const x of s.data.runs) { x.text = ''; x.commands = []; } s.data.commands = []; }
measure('no commands');
for (const r of keep) for (const s of r.subjects) { (s as any).file = null; }
measure('no file');
for (const r of keep) r.subjects = [];
measure('no subjects');
