// Shared by the hostile-input tests: run counts for the properties, time bounds, and the CLI
// run as a child process with a heap ceiling and its peak memory measured.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src/rules/paths.js';

/**
 * AIGIS_FUZZ_RUNS=N multiplies every property's run count (the convention of
 * test/unit/manifests/fast-yaml.test.ts): `AIGIS_FUZZ_RUNS=50 npx vitest run test/hostile` is a
 * long run; npm test keeps the counts modest.
 */
export const FUZZ_SCALE = Math.max(1, Number(process.env.AIGIS_FUZZ_RUNS ?? 1) || 1);

export function runs(base: number): number {
  return Math.round(base * FUZZ_SCALE);
}

/** fast-check parameters: AIGIS_FUZZ_SEED replays a failure (fast-check prints the seed). */
export function fuzz(base: number): { numRuns: number; seed?: number } {
  const seed = process.env.AIGIS_FUZZ_SEED ? Number(process.env.AIGIS_FUZZ_SEED) : undefined;
  return { numRuns: runs(base), ...(seed === undefined ? {} : { seed }) };
}

/** Milliseconds `f` took; the caller asserts the bound (synchronous work cannot be interrupted). */
export async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the child, in MiB (undefined when it died before reporting). */
  rssMb?: number;
  ms: number;
}

export interface MeasuredOptions {
  cwd?: string;
  input?: Buffer | string;
  /** V8 heap ceiling (--max-old-space-size): going over it kills the child, and the test fails. */
  heapMb: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The built CLI (npm test builds it first) in a child process, its peak RSS measured. */
export function aigisMeasured(args: string[], o: MeasuredOptions): Promise<MeasuredRun> {
  const wrapper = path.join(packageRoot(), 'test', 'hostile', 'rss-wrapper.mjs');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${o.heapMb}`, wrapper, ...args], {
      cwd: o.cwd ?? packageRoot(),
      env: { ...process.env, NO_COLOR: '1', ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined); // the CLI may stop reading early (a size limit)
    child.stdin.end(o.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString('utf8');
      const m = /\nAIGIS_TEST_MAX_RSS_KB=(\d+)\n$/.exec(stderr);
      if (m) stderr = stderr.slice(0, m.index);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr, rssMb: m ? Number(m[1]) / 1024 : undefined, ms: performance.now() - t0 });
    });
  });
}
