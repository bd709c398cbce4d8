import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The aigis package root (holds package.json, rules.d and src/rules), from source or from dist. */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'aigis') return (root = dir);
      } catch {
        // keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('aigis package root not found');
    dir = parent;
  }
}

export const builtinRulesDir = (): string => path.join(packageRoot(), 'rules.d');
export const schemasDir = (): string => path.join(packageRoot(), 'src', 'rules');
