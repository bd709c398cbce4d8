import type { InlineSuppression, LoadedDocument, Location, ObjectRef, Subject, Target } from './types.js';

/**
 * A subject derived from a Kubernetes document. Its data mirrors the document below `base` unless
 * an origin says otherwise: derived and merged fields record the pointer they came from, so any
 * ajv instance path resolves to the field the user wrote (or its nearest existing parent).
 */
export class DocumentSubject implements Subject {
  // Made on the first origin: most subjects (every object subject) mirror their node as it is,
  // and tens of thousands of one-entry Maps cost the garbage collector (bench/README.md).
  private origins: Map<string, string> | undefined;
  suppressions?: InlineSuppression[];
  relatedFor?: (instancePath: string) => Location[];
  private relatedFns: Array<(instancePath: string) => Location[]> | undefined;

  constructor(
    readonly target: Target,
    public data: Record<string, unknown>,
    readonly key: string,
    readonly doc: LoadedDocument,
    /** Pointer of the node this subject mirrors. */
    readonly base: string,
    readonly object?: ObjectRef,
    readonly container?: string,
  ) {}

  /** Record that the subject field at `path` came from the document field at `pointer`. */
  origin(path: string, pointer: string): this {
    (this.origins ??= new Map()).set(path, pointer);
    return this;
  }

  pointerFor(instancePath: string): string {
    const origins = this.origins;
    if (!origins) return this.base + instancePath;
    let path = instancePath;
    let rest = '';
    for (;;) {
      const found = origins.get(path);
      if (found !== undefined) return found + rest;
      const i = path.lastIndexOf('/');
      // Nothing recorded up to the root: the field is where it is below `base`.
      if (i < 0) return this.base + instancePath;
      rest = path.slice(i) + rest;
      path = path.slice(0, i);
    }
  }

  locate(instancePath: string): Location {
    return locationOf(this.doc, this.pointerFor(instancePath), this.object);
  }

  /**
   * Add a source of related locations to whatever `relatedFor` does now (several enrichers link a
   * subject to other places: exposures, env sources).
   */
  addRelated(fn: (instancePath: string) => Location[]): void {
    if (!this.relatedFns) {
      const previous = this.relatedFor;
      const list: Array<(instancePath: string) => Location[]> = [];
      this.relatedFns = list;
      this.relatedFor = (path) => [...(previous ? previous(path) : []), ...list.flatMap((f) => f(path))];
    }
    this.relatedFns.push(fn);
  }

  related(instancePath: string): Location[] {
    return this.relatedFor ? this.relatedFor(instancePath) : [];
  }
}

/** The location of `pointer` inside `doc`: a file position, or a logical name for cluster objects. */
export function locationOf(doc: LoadedDocument, pointer: string, object?: ObjectRef): Location {
  const src = doc.source;
  const loc: Location = { pointer };
  if (src.kind === 'file' || src.kind === 'stdin') {
    loc.file = src.path;
    const position = doc.locate(pointer);
    if (position) loc.position = position;
    if (src.helmSource) loc.helmSource = src.helmSource;
  } else {
    loc.logical = logicalName(src.path, src.context, object);
  }
  return loc;
}

export function logicalName(path: string, context: string | undefined, object?: ObjectRef): string {
  if (!object) return path;
  const ns = object.namespace ?? '_';
  return `cluster:${context ?? 'default'}/${ns}/${object.kind ?? '?'}/${object.name ?? '?'}`;
}
