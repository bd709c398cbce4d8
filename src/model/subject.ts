import type { InlineSuppression, LoadedDocument, Location, ObjectRef, Subject, Target } from './types.js';

/**
 * A subject derived from a Kubernetes document. Its data mirrors the document below `base` unless
 * an origin says otherwise: derived and merged fields record the pointer they came from, so any
 * ajv instance path resolves to the field the user wrote (or its nearest existing parent).
 */
export class DocumentSubject implements Subject {
  readonly origins = new Map<string, string>();
  suppressions?: InlineSuppression[];
  relatedFor?: (instancePath: string) => Location[];

  constructor(
    readonly target: Target,
    public data: Record<string, unknown>,
    readonly key: string,
    readonly doc: LoadedDocument,
    /** Pointer of the node this subject mirrors. */
    readonly base: string,
    readonly object?: ObjectRef,
    readonly container?: string,
  ) {
    this.origins.set('', base);
  }

  /** Record that the subject field at `path` came from the document field at `pointer`. */
  origin(path: string, pointer: string): this {
    this.origins.set(path, pointer);
    return this;
  }

  pointerFor(instancePath: string): string {
    let path = instancePath;
    let rest = '';
    for (;;) {
      const found = this.origins.get(path);
      if (found !== undefined) return found + rest;
      const i = path.lastIndexOf('/');
      if (i < 0) return this.base + instancePath;
      rest = path.slice(i) + rest;
      path = path.slice(0, i);
    }
  }

  locate(instancePath: string): Location {
    return locationOf(this.doc, this.pointerFor(instancePath), this.object);
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
