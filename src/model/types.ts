// The shared vocabulary of aigis: where input came from, what rules look at, what they report.
// Loaders produce documents or subjects, src/model turns documents into subjects, the engine
// turns subjects into findings, reporters render findings. Nothing here knows about a format.

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; `none` (used by --fail-on none) is above every severity. */
export const SEVERITY_RANK: Record<Severity | 'none', number> = {
  none: 99,
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  info: 0,
};

/** A 1-based line/column range (columns count UTF-16 code units, as SARIF's default). */
export interface Position {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where a loaded document came from. */
export interface Source {
  kind: 'file' | 'stdin' | 'cluster' | 'admission' | 'image';
  /** File path as the user named it (relative to the working directory), `-` for stdin, or a logical name. */
  path: string;
  /** 0-based index of the YAML document in its file (counting every document, empty ones too). */
  docIndex?: number;
  /** Template named by Helm's `# Source:` comment above the document. */
  helmSource?: string;
  /** Cluster context, for objects read from a live cluster or an AdmissionReview. */
  context?: string;
}

/** A parsed input object plus the means to turn a JSON pointer inside it into a position. */
export interface LoadedDocument {
  data: unknown;
  source: Source;
  /** Position of the field at `pointer` (RFC 6901), or of its nearest existing parent. */
  locate(pointer: string): Position | undefined;
}

export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/** A resolved place a finding points at. File inputs carry a position; cluster inputs a logical name. */
export interface Location {
  /** File path as given, or `-` for stdin; absent for cluster objects. */
  file?: string;
  position?: Position;
  /** JSON pointer of the field inside the object (or an image path, or a Dockerfile instruction path). */
  pointer: string;
  helmSource?: string;
  /** e.g. `cluster:prod/ml/Deployment/ollama` for objects with no file. */
  logical?: string;
  /** Free-form description shown beside related locations. */
  message?: string;
  /** Image findings: digest of the layer that holds the file (`pointer` is its path in the image). */
  layer?: string;
  /** Image findings: which image of the archive (its reference, or a short digest). */
  image?: string;
}

export const TARGETS = [
  'container',
  'pod',
  'workload',
  'service',
  'ingress',
  'namespace',
  'object',
  'problem',
  'dockerfile',
  'stage',
  'image',
] as const;
export type Target = (typeof TARGETS)[number];

/**
 * What rules look at: plain JSON `data` (validated by the rule's schemas) plus the means to locate
 * any instance path inside `data` in the input the user wrote.
 */
export interface Subject {
  target: Target;
  data: Record<string, unknown>;
  /** Stable identity (kind/namespace/name/container…), used for fingerprints and supersession. */
  key: string;
  object?: ObjectRef;
  container?: string;
  /** Resolve an ajv instance path (`/securityContext/privileged`) to a location; never throws. */
  locate(instancePath: string): Location;
  /** Inline suppressions that apply to this subject: rule id → reason. */
  suppressions?: InlineSuppression[];
  /** Related places shown with every finding on this subject (e.g. the exposed container). */
  related?(instancePath: string): Location[];
}

export interface InlineSuppression {
  ruleId: string;
  reason: string;
  /** ISO date after which the suppression lapses. */
  until?: string;
  /** Only for this container (annotation `ignore.aigis.dev/<rule>.<container>`). */
  container?: string;
  /** Only findings on these lines (1-based, inclusive): a Dockerfile comment covers the instruction below it. */
  lines?: { start: number; end: number };
  location?: Location;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  location: Location;
  related?: Location[];
  object?: ObjectRef;
  container?: string;
  subjectKey: string;
  /** Stable across line moves and re-rendering; see src/engine/fingerprint.ts. */
  fingerprint: string;
  /** Set when a suppression applies: `inSource` for annotations and comments, `external` for config and baseline. */
  suppression?: { kind: 'inSource' | 'external'; justification: string; source?: 'inline' | 'config' | 'baseline' };
}

/** A problem found while reading input: it becomes a `problem` subject that rules report. */
export interface Problem {
  code: string;
  message: string;
  file: string;
  position?: Position;
  pointer?: string;
  helmSource?: string;
  logical?: string;
  /** Extra fields rules may match on (e.g. `key` for duplicate keys). */
  details?: Record<string, unknown>;
  /** Stable identity (e.g. the object and field a suppression sits on): fingerprints use it instead of the line. */
  identity?: string;
}
