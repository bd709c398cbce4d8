// Command-line options for image archives, shared by `aigis scan` and `aigis sbom`: the platform
// to pick from a multi-platform index and the bounds of src/loaders/image/limits.ts.

import { DEFAULT_IMAGE_LIMITS, LIMIT_FLAGS, type ImageLimits } from '../loaders/image/limits.js';
import { UsageError } from '../util/errors.js';

export const IMAGE_OPTIONS = {
  platform: { type: 'string' },
  'image-max-bytes': { type: 'string' },
  'image-max-entries': { type: 'string' },
  'image-max-file-read': { type: 'string' },
  'image-max-path': { type: 'string' },
} as const;

export const IMAGE_USAGE = `Image archives (docker-archive, oci-archive, OCI layout directories):
      --platform OS/ARCH  image of a multi-platform index to check (default linux/amd64)
      --image-max-bytes N      decompressed bytes per archive (default ${DEFAULT_IMAGE_LIMITS.maxBytes})
      --image-max-entries N    tar entries per archive (default ${DEFAULT_IMAGE_LIMITS.maxEntries})
      --image-max-file-read N  largest file whose content is read (default ${DEFAULT_IMAGE_LIMITS.maxFileRead})
      --image-max-path N       longest entry path, in bytes (default ${DEFAULT_IMAGE_LIMITS.maxPath})`;

type Values = Partial<Record<keyof typeof IMAGE_OPTIONS, string>>;

/** Loader options (`platform`, `imageLimits`) from parsed flags; bad values are usage errors. */
export function imageLoaderOptions(values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (values.platform !== undefined) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(values.platform)) {
      throw new UsageError(`--platform must be OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64 (got "${values.platform}")`);
    }
    out.platform = values.platform;
  }
  const limits: Partial<ImageLimits> = {};
  for (const [key, flag] of Object.entries(LIMIT_FLAGS) as Array<[keyof ImageLimits, string]>) {
    const raw = values[flag.slice(2) as keyof Values];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer (got "${raw}")`);
    limits[key] = n;
  }
  if (Object.keys(limits).length) out.imageLimits = limits;
  return out;
}
