// LOADERS.dockerfile: a Dockerfile (or `-` with --stdin-type dockerfile) → stage and dockerfile
// subjects. The data tables come from the run's catalogue; a bare load (tests, benchmarks that
// call loadInputs without one) reads the built-in tables once.

import fs from 'node:fs';
import type { DataTables } from '../../rules/data.js';
import { builtinRulesDir } from '../../rules/paths.js';
import { AigisError } from '../../util/errors.js';
import type { Input } from '../discover.js';
import type { LoadContext, LoadResult } from '../index.js';
import { readInput } from '../read.js';
import { loadDockerfileBytes } from './index.js';

let builtinTables: DataTables | undefined;

export async function loadDockerfileInput(input: Input, ctx: LoadContext): Promise<LoadResult> {
  const bytes = input.path === '-' ? await readInput(input, ctx) : readSmallFile(input.abs ?? input.path, input.path, ctx);
  const tables = ctx.tables ?? (builtinTables ??= (await import('../../rules/data-load.js')).loadDataDir(builtinRulesDir()));
  const source = { kind: input.path === '-' ? ('stdin' as const) : ('file' as const), path: input.path };
  const r = await loadDockerfileBytes(bytes, source, tables);
  return { documents: [], subjects: r.subjects, problems: r.problems, skipped: 0, secrets: r.secrets };
}

/**
 * Dockerfiles are small and a scan reads thousands of them one after the other: a synchronous
 * read avoids two thread-pool round trips per file (readInput's stat and readFile), which
 * dominate the wall time when the machine is busy. Same limits and messages as readInput; the
 * absolute path is read and the display path `file` named in errors.
 */
function readSmallFile(abs: string, file: string, ctx: LoadContext): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync(abs, 'r');
    const size = fs.fstatSync(fd).size;
    if (size > ctx.limits.maxFileBytes) {
      throw new AigisError(`file is larger than the ${ctx.limits.maxFileBytes} byte limit (raise it with --max-file-size)`, { file });
    }
    return fs.readFileSync(fd);
  } catch (err) {
    if (err instanceof AigisError) throw err;
    throw new AigisError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
