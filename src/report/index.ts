// Reporters by format name; each lives in its own file and is loaded only when asked for.

import type { Reporter } from './types.js';

export const REPORTERS: Record<string, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).textReport,
  json: async () => (await import('./json.js')).jsonReport,
  sarif: async () => (await import('./sarif.js')).sarifReport,
  junit: async () => (await import('./junit.js')).junitReport,
  github: async () => (await import('./github.js')).githubReport,
};

export const FORMATS = (): string[] => Object.keys(REPORTERS);

/** Format implied by an output file's extension, for `--output x.sarif` without `--format`. */
export function formatForFile(file: string): string | undefined {
  if (/\.sarif(\.json)?$/i.test(file)) return REPORTERS.sarif ? 'sarif' : undefined;
  if (/\.xml$/i.test(file)) return REPORTERS.junit ? 'junit' : undefined;
  if (/\.json$/i.test(file)) return 'json';
  return undefined;
}
