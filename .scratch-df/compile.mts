import { readRuleDir, compileRules } from '../src/engine/load-rules.js';
const files = readRuleDir('/tmp/dfrules');
const rules = compileRules(files, true);
console.log('compiled', rules.length);
