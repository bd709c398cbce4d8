// The yardstick of bench/dockerfiles.mjs: read every Dockerfile under DIR and parse it with
// dockerfile-ast (the parser aigis builds on), nothing else. Prints {readMs, parseMs, files,
// instructions} as JSON.
// Usage: node bench/lib/dockerfile-ast-parse.mjs DIR

import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';

const dir = process.argv[2];
if (!dir) throw new Error('usage: dockerfile-ast-parse.mjs DIR');
const t0 = performance.now();
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i.test(e.name)) files.push(p);
  }
})(dir);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const t1 = performance.now();
let instructions = 0;
for (const text of texts) instructions += DockerfileParser.parse(text).getInstructions().length;
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ readMs: t1 - t0, parseMs: t2 - t1, files: files.length, instructions })}\n`);
