// Bounds on what one image archive may cost. A hostile archive (a gzip bomb, millions of empty
// entries, a path of a megabyte) stops with an error that names the bound and the flag that raises
// it, instead of exhausting memory or time.

import { AigisError } from '../../util/errors.js';

export interface ImageLimits {
  /** Bytes of layer (and compressed outer archive) content after decompression, per archive. */
  maxBytes: number;
  /** Tar entries across all layers of an archive. */
  maxEntries: number;
  /** Largest single file whose content aigis must read (package databases, passwd, METADATA…). */
  maxFileRead: number;
  /** Longest path or link target of a tar entry, in bytes. */
  maxPath: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 32 * 1024 ** 3,
  maxEntries: 2_000_000,
  maxFileRead: 64 * 1024 ** 2,
  maxPath: 4096,
};

/** Command-line flag that raises each bound (named in the error a user sees). */
export const LIMIT_FLAGS: Record<keyof ImageLimits, string> = {
  maxBytes: '--image-max-bytes',
  maxEntries: '--image-max-entries',
  maxFileRead: '--image-max-file-read',
  maxPath: '--image-max-path',
};

const WHAT: Record<keyof ImageLimits, string> = {
  maxBytes: 'decompressed bytes',
  maxEntries: 'tar entries',
  maxFileRead: 'bytes for one file read',
  maxPath: 'bytes of path',
};

export class ImageLimitError extends AigisError {
  constructor(
    readonly bound: keyof ImageLimits,
    limit: number,
    file: string,
    where?: string,
  ) {
    super(`image exceeds the limit of ${limit} ${WHAT[bound]}${where ? ` (${where})` : ''}; raise it with ${LIMIT_FLAGS[bound]}`, { file });
    this.name = 'ImageLimitError';
  }
}

/** Limits from loader options (`imageLimits`), each falling back to its default. */
export function imageLimits(options: Record<string, unknown>): ImageLimits {
  const given = (options.imageLimits ?? {}) as Partial<ImageLimits>;
  const out = { ...DEFAULT_IMAGE_LIMITS };
  for (const k of Object.keys(out) as Array<keyof ImageLimits>) {
    const v = given[k];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[k] = v;
  }
  return out;
}
