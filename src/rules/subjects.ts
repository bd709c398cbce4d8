import fs from 'node:fs';
import path from 'node:path';
import type { SubjectSchema } from './docs.js';
import { schemasDir } from './paths.js';

/** src/rules/subjects/<target>.schema.json by target. */
export function subjectSchemas(): Record<string, SubjectSchema> {
  const dir = path.join(schemasDir(), 'subjects');
  const out: Record<string, SubjectSchema> = {};
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.schema.json')) out[f.replace('.schema.json', '')] = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  }
  return out;
}

/** Top-level subject fields a schema (when, expect, a severity condition) reads. */
export function topLevelFields(schema: unknown, into = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return into;
  const s = schema as Record<string, unknown>;
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) for (const x of s[k] as unknown[]) topLevelFields(x, into);
  for (const k of ['not', 'if', 'then', 'else']) if (s[k]) topLevelFields(s[k], into);
  if (s.properties && typeof s.properties === 'object') for (const p of Object.keys(s.properties)) into.add(p);
  if (Array.isArray(s.required)) for (const p of s.required) into.add(String(p));
  return into;
}
