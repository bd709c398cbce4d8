import { createAjv } from '../src/rules/ajv.js';
const ajv = createAjv();
const v = ajv.compile({
  properties: { commands: { items: { not: { anyOf: [
    { required: ['p'], properties: { p: { const: 'curl' } } },
    { required: ['p', 's'], properties: { p: { const: 'sh' }, s: { contains: { const: 'curl' } } } },
  ] } } } },
});
console.log(v({ commands: [{ p: 'sh', s: ['curl'] }, { p: 'sh', s: [] }] }), JSON.stringify(v.errors?.map((e) => e.instancePath)));
console.log(v({ commands: [{ p: 'sh', s: [] }] }), JSON.stringify(v.errors?.map((e) => e.instancePath)));
const v2 = createAjv({ allErrors: false }).compile({
  properties: { commands: { items: { not: { anyOf: [
    { required: ['p'], properties: { p: { const: 'curl' } } },
    { required: ['p', 's'], properties: { p: { const: 'sh' }, s: { contains: { const: 'curl' } } } },
  ] } } } },
});
console.log('noAllErrors', v2({ commands: [{ p: 'sh', s: ['curl'] }, { p: 'sh', s: [] }] }));
console.log('noAllErrors', v2({ commands: [{ p: 'x', s: ['curl'] }, { p: 'sh', s: [] }] }));
