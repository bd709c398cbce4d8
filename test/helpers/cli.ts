// Run the built CLI (bin/aigis.js → dist/) as a user would. `npm test` builds first.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src/rules/paths.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function aigis(args: string[], options: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [path.join(packageRoot(), 'bin', 'aigis.js'), ...args], {
    cwd: options.cwd ?? packageRoot(),
    input: options.input,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
