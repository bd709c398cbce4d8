// LOADERS.dockerfile: a Dockerfile (or `-` with --stdin-type dockerfile) → stage and dockerfile
// subjects. The data tables come from the run's catalogue; a bare load (tests, benchmarks that
// call loadInputs without one) reads the built-in tables once.

import { loadDataDir, type DataTables } from '../../rules/data.js';
import { builtinRulesDir } from '../../rules/paths.js';
import type { Input } from '../discover.js';
import type { LoadContext, LoadResult } from '../index.js';
import { readInput } from '../read.js';
import { loadDockerfileBytes } from './index.js';

let builtinTables: DataTables | undefined;

export async function loadDockerfileInput(input: Input, ctx: LoadContext): Promise<LoadResult> {
  const bytes = await readInput(input, ctx);
  const tables = ctx.tables ?? (builtinTables ??= loadDataDir(builtinRulesDir()));
  const source = { kind: input.path === '-' ? ('stdin' as const) : ('file' as const), path: input.path };
  const r = await loadDockerfileBytes(bytes, source, tables);
  return { documents: [], subjects: r.subjects, problems: r.problems, skipped: 0, secrets: r.secrets };
}
