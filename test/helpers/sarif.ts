// Validate SARIF against the official SARIF 2.1.0 schema (shipped by @microsoft/jest-sarif).
// The schema is draft-04; its only draft-04-specific keyword is the top-level `id`, so it is
// compiled with ajv 8 as draft-07 after renaming that to `$id`.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const require = createRequire(import.meta.url);

let validate: ValidateFunction | undefined;

export const SARIF_SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

export function sarifSchemaErrors(doc: unknown): string[] {
  if (!validate) {
    const schema = JSON.parse(fs.readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    schema.$id = schema.id;
    delete schema.id;
    schema.$schema = 'http://json-schema.org/draft-07/schema#';
    // The schema's patterns are ECMAScript without the u flag (one has a lone bracket).
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(schema);
  }
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
