// The loaders, by input kind. Each is imported only when a run has an input of its kind, so a
// manifest scan never loads the Dockerfile shell parser, the image tools or the cluster client.

import type { LoadedDocument, Problem, Subject } from '../model/types.js';
import type { DataTables } from '../rules/data.js';
import type { Input, InputKind } from './discover.js';

export interface LoadLimits {
  /** Largest file read, in bytes (--max-file-size). */
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: LoadLimits = { maxFileBytes: 128 * 1024 * 1024 };

export interface LoadContext {
  limits: LoadLimits;
  /** Reads standard input once (every `-` shares it). */
  stdin(): Promise<Buffer>;
  /** Loader-specific options from the command line (e.g. `platform` for images). */
  options: Record<string, unknown>;
  /** The catalogue's data tables (rules.d/data plus user additions); absent in bare loads. */
  tables?: DataTables;
}

export interface LoadResult {
  /** Kubernetes objects, turned into subjects by src/model. */
  documents: LoadedDocument[];
  /** Subjects the loader builds itself (Dockerfile stages, images). */
  subjects: Subject[];
  problems: Problem[];
  /** Documents read that aigis does not check (non-Kubernetes YAML). */
  skipped: number;
  /** Raw secret values the loader saw; masked in every output. */
  secrets?: string[];
}

export type Loader = (input: Input, ctx: LoadContext) => Promise<LoadResult>;

export const LOADERS: Partial<Record<InputKind, () => Promise<Loader>>> = {
  manifest: async () => (await import('./manifests/loader.js')).loadManifestInput,
  dockerfile: async () => (await import('./dockerfile/loader.js')).loadDockerfileInput,
  image: async () => (await import('./image/index.js')).loadImageInput,
};
