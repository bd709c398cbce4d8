// Finding the config file that governs a path: cheap, and kept apart from reading and checking
// it (src/config/config.ts, which needs yaml and ajv), so a run without a config loads neither.

import fs from 'node:fs';
import path from 'node:path';

export const CONFIG_NAMES = ['.aigis.yaml', '.aigis.yml'];

/**
 * The config file for a scanned path: the nearest `.aigis.yaml` in its folder or above,
 * looking no higher than the repository root (a folder holding `.git`).
 */
export function findConfig(scanned: string, cwd: string): string | undefined {
  let dir: string;
  if (scanned === '-') dir = cwd;
  else {
    // For a glob, start from its fixed leading folders.
    const fixed = scanned.split(/[\\/]/).filter((_, i, parts) => !parts.slice(0, i + 1).some((p) => /[*?[\]{}]/.test(p)));
    const abs = path.resolve(cwd, fixed.join('/') || '.');
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(abs);
    } catch {
      stat = undefined;
    }
    dir = stat?.isDirectory() ? abs : path.dirname(abs);
  }
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = path.join(dir, name);
      if (isFile(candidate)) return candidate;
    }
    if (fs.existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
