import fs from 'node:fs';
import { AigisError } from '../util/errors.js';
import type { Input } from './discover.js';
import type { LoadContext } from './index.js';

/** The bytes of a file or of standard input, refusing anything above the size limit. */
export async function readInput(input: Input, ctx: LoadContext): Promise<Buffer> {
  if (input.path === '-') {
    const bytes = await ctx.stdin();
    if (bytes.length > ctx.limits.maxFileBytes) throw tooBig(input.path, ctx);
    return bytes;
  }
  const file = input.abs ?? input.path;
  // Synchronous: inputs are read one after the other anyway, and an await per stat and read
  // left the thread idle for ~0.5 s over a few hundred files (bench/README.md). Discovery
  // admits only regular files, so a read cannot block on a FIFO.
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    throw new AigisError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: input.path });
  }
  if (size > ctx.limits.maxFileBytes) throw tooBig(input.path, ctx);
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new AigisError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: input.path });
  }
}

function tooBig(file: string, ctx: LoadContext): AigisError {
  return new AigisError(`file is larger than the ${ctx.limits.maxFileBytes} byte limit (raise it with --max-file-size)`, { file });
}
