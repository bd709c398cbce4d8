import { createAjv } from '../src/rules/ajv.js';
const ajv = createAjv({ code: { source: true, lines: true } });
const v = ajv.compile({ items: { not: { anyOf: [ { required: ['s'], properties: { s: { contains: { const: 'curl' } } } } ] } } });
console.log(v.toString());
console.log(v([{ s: ['curl'] }, { s: [] }]), v([{ s: [] }]), v([{s:['curl']},{s:['x']}]));
