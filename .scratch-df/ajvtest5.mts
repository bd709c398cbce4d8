import { createAjv } from '../src/rules/ajv.js';
const v = createAjv().compile({ items: { not: { anyOf: [ { required: ['s'], properties: { s: { minItems: 1, contains: { const: 'curl' } } } } ] } } });
console.log(v([{ s: ['curl'] }, { s: [] }]), JSON.stringify(v.errors?.map((e) => e.instancePath)));
