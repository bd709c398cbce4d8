import { flat } from '../util/flat.js';
import type { InlineSuppression, LoadedDocument, Location, ObjectRef, Subject, Target } from './types.js';

/** Origin pairs a subject searches in a row; past them a Map holds its origins. */
const ORIGIN_INDEX_AT = 48;

/**
 * A subject derived from a Kubernetes document. Its data mirrors the document below `base` unless
 * an origin says otherwise: derived and merged fields record the pointer they came from, so any
 * ajv instance path resolves to the field the user wrote (or its nearest existing parent).
 */
export class DocumentSubject implements Subject {
  // Field → pointer pairs, flat ([path, pointer, path, pointer, …]; a later pair for the same
  // path wins): a container records ~25, a Map per subject cost ~900 bytes of table each and
  // its share of every scavenge (bench/README.md). Made on the first origin: most subjects
  // (every object subject) mirror their node as it is. Past ORIGIN_INDEX_AT pairs a Map takes
  // them over, so a container with thousands of args stays linear.
  private origins: string[] | undefined;
  private originIndex: Map<string, string> | undefined;
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
  ) {
    flat(key);
    flat(base);
  }

  /** Record that the subject field at `path` came from the document field at `pointer`. */
  origin(path: string, pointer: string): this {
    if (this.originIndex) {
      this.originIndex.set(flat(path), flat(pointer));
      return this;
    }
    const origins = (this.origins ??= []);
    origins.push(flat(path), flat(pointer));
    if (origins.length > 2 * ORIGIN_INDEX_AT) {
      // From here on the Map holds them all (in the order first recorded, the last pointer of each).
      this.originIndex = new Map();
      for (let i = 0; i < origins.length; i += 2) this.originIndex.set(origins[i]!, origins[i + 1]!);
      this.origins = undefined;
    }
    return this;
  }

  /** Every recorded origin once, in the order first recorded, with its last pointer (bench/lib/dump-model.ts). */
  originEntries(): Array<[string, string]> {
    if (this.originIndex) return [...this.originIndex];
    const out = new Map<string, string>();
    const origins = this.origins ?? [];
    for (let i = 0; i < origins.length; i += 2) out.set(origins[i]!, origins[i + 1]!);
    return [...out];
  }

  pointerFor(instancePath: string): string {
    const index = this.originIndex;
    if (index) {
      // The path, then each prefix ending before a `/`, until one was recorded.
      let path = instancePath;
      let rest = '';
      for (;;) {
        const found = index.get(path);
        if (found !== undefined) return found + rest;
        const i = path.lastIndexOf('/');
        if (i < 0) return this.base + instancePath;
        rest = path.slice(i) + rest;
        path = path.slice(0, i);
      }
    }
    const origins = this.origins;
    // Nothing recorded: the field is where it is below `base`.
    if (!origins) return this.base + instancePath;
    // One pass over the pairs for the longest recorded path that is the whole of instancePath or
    // ends where one of its segments does (the last recorded, of equal paths): what the walk above
    // finds, without cutting out each prefix and searching for it in turn.
    let best = -1;
    let length = -1;
    for (let i = origins.length - 2; i >= 0; i -= 2) {
      const path = origins[i]!;
      if (path.length <= length || path.length > instancePath.length) continue;
      if (path.length < instancePath.length && instancePath.charCodeAt(path.length) !== 0x2f) continue;
      if (!instancePath.startsWith(path)) continue;
      best = i;
      length = path.length;
    }
    return best < 0 ? this.base + instancePath : origins[best + 1]! + instancePath.slice(length);
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
  if (src.kind !== 'file' && src.kind !== 'stdin') return { pointer, logical: logicalName(src.path, src.context, object) };
  // Each shape made whole: fields given to an object after it is made are kept in a second array,
  // and every finding keeps its location to the end of the scan.
  const file = src.path;
  const position = doc.locate(pointer);
  const helmSource = src.helmSource;
  if (helmSource) return position ? { pointer, file, position, helmSource } : { pointer, file, helmSource };
  return position ? { pointer, file, position } : { pointer, file };
}

export function logicalName(path: string, context: string | undefined, object?: ObjectRef): string {
  if (!object) return path;
  const ns = object.namespace ?? '_';
  return `cluster:${context ?? 'default'}/${ns}/${object.kind ?? '?'}/${object.name ?? '?'}`;
}
