// npm run docs: regenerate docs/rules.md from rules.d.

import fs from 'node:fs';
import path from 'node:path';
import { loadCatalogue } from '../src/rules/catalogue.js';
import { rulesMarkdown } from '../src/rules/docs.js';
import { packageRoot } from '../src/rules/paths.js';

const catalogue = await loadCatalogue({ fromSource: true });
const file = path.join(packageRoot(), 'docs', 'rules.md');
fs.writeFileSync(file, rulesMarkdown(catalogue.rules));
console.log(`wrote ${path.relative(process.cwd(), file)} (${catalogue.rules.length} rules)`);
