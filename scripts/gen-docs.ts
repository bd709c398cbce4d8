// npm run docs: regenerate docs/rules.md from rules.d.

import fs from 'node:fs';
import path from 'node:path';
import { loadCatalogue } from '../src/rules/catalogue.js';
import { fieldsMarkdown, rulesMarkdown, withFields } from '../src/rules/docs.js';
import { subjectSchemas } from '../src/rules/subjects.js';
import { packageRoot } from '../src/rules/paths.js';

const catalogue = await loadCatalogue({ fromSource: true });
const file = path.join(packageRoot(), 'docs', 'rules.md');
fs.writeFileSync(file, rulesMarkdown(catalogue.rules));
console.log(`wrote ${path.relative(process.cwd(), file)} (${catalogue.rules.length} rules)`);

const modelFile = path.join(packageRoot(), 'docs', 'model.md');
fs.writeFileSync(modelFile, withFields(fs.readFileSync(modelFile, 'utf8'), fieldsMarkdown(subjectSchemas())));
console.log(`updated the field index of ${path.relative(process.cwd(), modelFile)}`);
