// The Kubernetes client (about a second and 70 MB to import) loads only for audit and the
// webhook's --cluster-context: a file scan must not touch it. A module hook makes importing it
// fail, and the built CLI runs under that hook.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/rules/paths.js';

function runWithoutClient(args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-lazy-'));
  const hooks = path.join(dir, 'hooks.mjs');
  fs.writeFileSync(hooks, `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@kubernetes/client-node')) throw new Error('client-node was imported');
  return next(specifier, context);
}
`);
  const register = path.join(dir, 'register.mjs');
  fs.writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return spawnSync(process.execPath, ['--import', register, path.join(packageRoot(), 'bin', 'aigis.js'), ...args], { cwd: packageRoot(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('lazy Kubernetes client', () => {
  it('aigis scan never imports @kubernetes/client-node', () => {
    const r = runWithoutClient(['scan', 'deploy/', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('aigis audit does (so the hook above is effective)', () => {
    const r = runWithoutClient(['audit', '--kubeconfig', '/nonexistent']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/client-node was imported/);
  });
});
