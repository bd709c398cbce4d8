// What `.aigis.yaml` means for audit and webhook, which read no files: rule settings, extra rule
// folders and table rows, `ignore` entries (their `objects:` patterns; `paths:` match no cluster
// object), `inlineSuppressions`, and (for the audit) `failOn`. `exclude` is about paths and does
// not apply. The audit finds the file as scan does for `.`; the webhook only takes --config.

import path from 'node:path';
import { findConfig, loadConfig, ruleSettingsOf, type ConfigFile } from '../config/config.js';
import type { Catalogue } from '../engine/rule.js';
import type { ConfigIgnore } from '../engine/suppress.js';
import type { Severity } from '../model/types.js';
import { loadCatalogue } from '../rules/catalogue.js';
import { UsageError } from '../util/errors.js';

export interface ClusterRunConfig {
  catalogue: Catalogue;
  only?: ReadonlySet<string>;
  ruleSettings: Map<string, Severity | 'off'>;
  ignores: ConfigIgnore[];
  /** The file's `inlineSuppressions` (undefined: not set). */
  inlineSuppressions?: boolean;
  failOn?: Severity | 'none';
  config?: ConfigFile;
}

export async function clusterRunConfig(o: { config?: string; search: boolean; cwd: string; ruleDirs?: string[]; only?: string[] }): Promise<ClusterRunConfig> {
  const file = o.config ? path.resolve(o.cwd, o.config) : o.search ? findConfig('.', o.cwd) : undefined;
  const config = file ? loadConfig(file, o.cwd) : undefined;
  const catalogue = await loadCatalogue({ ruleDirs: [...(o.ruleDirs ?? []), ...(config?.rulesDirs ?? [])], tableAdditions: config?.tableAdditions });
  for (const id of o.only ?? []) if (!catalogue.byId.has(id)) throw new UsageError(`unknown rule "${id}" (see aigis rules)`);
  return {
    catalogue,
    only: o.only?.length ? new Set(o.only) : undefined,
    ruleSettings: config ? ruleSettingsOf(config, catalogue) : new Map(),
    ignores: config?.ignores ?? [],
    inlineSuppressions: config?.inlineSuppressions,
    failOn: config?.failOn,
    config,
  };
}
