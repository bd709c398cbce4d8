// Run the built CLI without blocking the test's event loop, for tests that serve something the
// CLI talks to (the stand-in API server, the webhook) from the test process itself.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src/rules/paths.js';
import type { CliRun } from './cli.js';

export function aigisAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'aigis.js'), ...args], {
      cwd: options.cwd ?? packageRoot(),
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
