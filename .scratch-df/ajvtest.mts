import { createAjv } from '../src/rules/ajv.js';
import { parse } from 'yaml';
import fs from 'node:fs';
const rule = parse(fs.readFileSync('rules.d/dockerfile/dockerfile-curl-pipe-shell.yaml', 'utf8'));
const v = createAjv().compile(rule.expect);
const data = { commands: [
  { program: 'curl', argv: [], pipeTo: { program: 'python3', argv: [] }, substitutions: [] },
  { program: 'tee', argv: [], pipeTo: { program: 'python3', argv: [] }, substitutions: [] },
  { program: 'python3', argv: [], pipeTo: null, substitutions: [] },
] };
console.log(v(data), JSON.stringify(v.errors, null, 0));
