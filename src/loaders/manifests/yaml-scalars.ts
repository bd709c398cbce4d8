// YAML 1.1 scalars as the Kubernetes API server reads them, shared by both YAML paths: the
// `yaml` library is configured with PARSE_OPTIONS, and the fast path (fast-yaml.ts) resolves
// plain scalars with that very schema's tags, so the two can only agree.

import { Document, isScalar } from 'yaml';
import type { TagId, Tags } from 'yaml';

const DROPPED_1_1_TAGS = (tags: Tags): Tags =>
  tags.filter((t) => {
    const tag = typeof t === 'string' ? t : (t as { tag?: string; format?: string });
    if (typeof tag === 'string') return true;
    // Timestamps and sexagesimal numbers stay strings, as they do once the API server converts
    // YAML to JSON.
    return !(tag.tag === 'tag:yaml.org,2002:timestamp' || tag.format === 'TIME');
  });

export const PARSE_OPTIONS = {
  version: '1.1' as const,
  uniqueKeys: false,
  merge: true,
  customTags: DROPPED_1_1_TAGS as unknown as (tags: Tags) => Array<TagId | Tags[number]>,
  prettyErrors: false,
  strict: false,
};

/** Thrown by the fast path when it is not sure: the document goes to the `yaml` library. */
export class Bail {
  private readonly bail = true;
}
export const BAIL = new Bail();

/** A library scalar value as plain JSON-like data. */
export function scalarValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object' && value !== null) return String(value);
  return value;
}

interface ScalarTag {
  default?: boolean | 'key';
  test?: RegExp;
  resolve(value: string, onError: (message: string) => void, options: unknown): unknown;
}

let schema: { value: ScalarTag[]; key: ScalarTag[]; options: unknown } | undefined;

function tags(): NonNullable<typeof schema> {
  if (!schema) {
    const doc = new Document(null, PARSE_OPTIONS as never);
    const all = (doc.schema as unknown as { tags: ScalarTag[] }).tags;
    schema = {
      value: all.filter((t) => t.default === true && t.test),
      key: all.filter((t) => (t.default === true || t.default === 'key') && t.test),
      options: doc.options,
    };
  }
  return schema;
}

const cache = new Map<string, unknown>();
const onError = (): never => {
  throw BAIL;
};

/**
 * The value of a plain scalar (`src` is its whole source, trimmed, on one line), as the
 * library's composer would give it, in key or value position. Throws BAIL for a merge key.
 */
export function resolvePlain(src: string, atKey: boolean): unknown {
  // Only these first characters can start a non-string in the 1.1 schema (null, bool, int,
  // float, and the `<<` merge key); everything else is a string without testing a tag. (The
  // library's exponent-float pattern has optional digits: `e0` reads as NaN.)
  const c = src.charCodeAt(0);
  switch (c) {
    case 0x7e: // ~
    case 0x65: case 0x45: // e E
      break;
    case 0x4e: case 0x6e: case 0x59: case 0x79: case 0x54: case 0x74: // N n Y y T t
    case 0x4f: case 0x6f: case 0x46: case 0x66: // O o F f
      if (src.length > 5) return src; // the longest is `false`
      break;
    case 0x2d: case 0x2b: case 0x2e: case 0x3c: // - + . <
      break;
    default:
      if (c < 0x30 || c > 0x39) return src;
  }
  const cacheKey = atKey ? `k${src}` : `v${src}`;
  const known = cache.get(cacheKey);
  if (known !== undefined || cache.has(cacheKey)) return known;
  const s = tags();
  let value: unknown = src;
  for (const tag of atKey ? s.key : s.value) {
    if (!tag.test!.test(src)) continue;
    let res: unknown;
    try {
      res = tag.resolve(src, onError, s.options);
    } catch {
      throw BAIL; // the library would report it as an error
    }
    const raw = isScalar(res) ? res.value : res;
    if (typeof raw === 'symbol') throw BAIL; // `<<`: merges are the library's business
    value = scalarValue(raw);
    break;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(cacheKey, value);
  return value;
}

/**
 * `obj[key] = value`, except that a `__proto__` key becomes an ordinary own property (as it is
 * in the JSON the API server sees) instead of replacing the object's prototype.
 */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
