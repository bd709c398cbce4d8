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
