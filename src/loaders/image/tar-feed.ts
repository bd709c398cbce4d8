// Bytes of a tar stream (a whole archive, or a decompressed layer) into a tar-stream extractor.

import type { Readable } from 'node:stream';
import type tar from 'tar-stream';

/**
 * Pipe `source` into `ex` with backpressure. `onChunk` sees each chunk first (to count it against
 * a budget); if it throws, `fail` gets the error and the chunk is dropped. At the end the last
 * 512-byte block is completed: some writers (umoci 0.4) end a tar right after the last file's
 * data, without the block padding or the end-of-archive blocks, and Go's tar reader, so every
 * runtime, accepts that. A header or data cut short still fails. The returned count is of the
 * tar bytes written so far.
 */
export function feedTar(source: Readable, ex: tar.Extract, onChunk: (chunk: Buffer) => void, fail: (e: unknown) => void): { bytes: number } {
  const fed = { bytes: 0 };
  source.on('data', (c: Buffer) => {
    try {
      onChunk(c);
    } catch (e) {
      fail(e);
      return;
    }
    fed.bytes += c.length;
    if (!ex.write(c)) {
      source.pause();
      ex.once('drain', () => source.resume());
    }
  });
  source.on('end', () => {
    const pad = (512 - (fed.bytes % 512)) % 512;
    if (pad) ex.write(Buffer.alloc(pad));
    (ex as unknown as { end(): void }).end();
  });
  return fed;
}
