import type { Input } from '../discover.js';
import type { LoadContext, LoadResult } from '../index.js';
import { readInput } from '../read.js';
import { loadManifestBytes } from './index.js';

export async function loadManifestInput(input: Input, ctx: LoadContext): Promise<LoadResult> {
  const bytes = await readInput(input, ctx);
  const source = { kind: input.path === '-' ? ('stdin' as const) : ('file' as const), path: input.path };
  const result = loadManifestBytes(bytes, source);
  return { documents: result.documents, subjects: [], problems: result.problems, skipped: result.skipped };
}

