// One configuration of ajv for rule schemas, data tables and the meta-schemas, so that a schema
// behaves the same whether it is compiled at build time (standalone code) or at load time.

import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  validateFormats: true,
};

/**
 * For schemas whose answer is all that is read (a rule's `when`, its `severities`): stop at the
 * first failure instead of collecting every error. A `when` is evaluated for every subject of its
 * target, and collecting errors nobody reads was half of the rules' time (bench/README.md).
 */
export const FIRST_ERROR: Options = { allErrors: false };

export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  addFormats(ajv);
  return ajv;
}

let shared: Ajv | undefined;

export function compileSchema(schema: object): ValidateFunction {
  shared ??= createAjv();
  const id = (schema as { $id?: string }).$id;
  if (id) {
    const existing = shared.getSchema(id);
    if (existing) return existing;
  }
  return shared.compile(schema);
}

/** Human-readable ajv errors: `/path: message` joined by `; `. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'invalid';
  return errors
    .slice(0, 5)
    .map((e) => {
      const at = e.instancePath || '/';
      if (e.keyword === 'additionalProperties') return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
      if (e.keyword === 'enum') return `${at}: ${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
      return `${at}: ${e.message}`;
    })
    .join('; ');
}

/**
 * Work around an ajv 8 code-generation bug: with `allErrors`, a `contains` evaluated once per
 * array item (inside `items`) keeps its result from the previous item, so an empty array
 * "contains" whatever the item before it did. Adding `minItems: 1` beside every `contains` (that
 * does not allow zero matches) changes nothing in JSON Schema terms — `contains` already fails
 * on an empty array — and makes the generated code fail the empty array first.
 */
export function guardContains<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s) => guardContains(s)) as T;
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    // `const`/`enum`/`default`/`examples` hold data, not schemas.
    out[k] = k === 'const' || k === 'enum' || k === 'default' || k === 'examples' ? v : guardContains(v);
  }
  if ('contains' in out && out.minItems === undefined && out.minContains !== 0) out.minItems = 1;
  return out as T;
}
