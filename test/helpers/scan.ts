// Helpers for tests: scan files or text in-process with the catalogue compiled from rules.d.

import { loadCatalogue } from '../../src/rules/catalogue.js';
import { scan, evaluateLoaded } from '../../src/engine/scan.js';
import type { Catalogue } from '../../src/engine/rule.js';
import { loadManifestText } from '../../src/loaders/manifests/index.js';
import type { Finding } from '../../src/model/types.js';

let catalogue: Promise<Catalogue> | undefined;

export function testCatalogue(): Promise<Catalogue> {
  catalogue ??= loadCatalogue();
  return catalogue;
}

export async function scanPaths(paths: string[], only?: string[]) {
  return scan(paths, { catalogue: await testCatalogue(), only: only ? new Set(only) : undefined });
}

/** Scan YAML text as if it were the file `name`. */
export async function scanYaml(text: string, only?: string[], name = 'test.yaml') {
  const loaded = loadManifestText(text, { kind: 'file', path: name });
  return evaluateLoaded(
    {
      documents: loaded.documents,
      subjects: [],
      problems: loaded.problems,
      secrets: new Set(),
      stats: { files: 1, objects: 0, subjects: 0, skipped: loaded.skipped, failed: 0 },
      errors: [],
    },
    { catalogue: await testCatalogue(), only: only ? new Set(only) : undefined },
  );
}

/** `rule@line:column` for compact assertions. */
export function brief(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId}@${f.location.position?.line}:${f.location.position?.column}`);
}
