// Manifest loader: YAML or JSON text → Kubernetes object documents, each able to locate any of
// its fields. Handles multi-document streams, `kind: List` / `*List` (kubectl get -o yaml) and
// Helm's `# Source:` comments. Anything that is not a Kubernetes object is skipped and counted.

import type { LoadedDocument, Position, Problem, Source } from '../../model/types.js';
import { LineIndex } from '../../util/line-index.js';
import { DEFAULT_YAML_LIMITS, parseYamlStream, type YamlDocument, type YamlLimits } from './yaml.js';

export interface ManifestLoadResult {
  documents: LoadedDocument[];
  problems: Problem[];
  /** YAML documents that are not Kubernetes objects (no apiVersion/kind). */
  skipped: number;
  /** Non-empty YAML documents read. */
  yamlDocuments: number;
}

export function isKubernetesObject(value: unknown): value is Record<string, unknown> & { apiVersion: string; kind: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>).apiVersion === 'string' &&
    typeof (value as Record<string, unknown>).kind === 'string'
  );
}

/** Index of the first NUL byte in the first 8 KiB, or -1: such a file is not text. */
export function binaryOffset(bytes: Uint8Array): number {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return i;
  return -1;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decode UTF-8 strictly; on failure return the byte offset of the first invalid sequence. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { invalidAt: number } {
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    // Locate the first bad byte by decoding growing prefixes at sequence boundaries.
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      if (len === 0) return { invalidAt: i };
      try {
        UTF8.decode(bytes.subarray(i, i + len));
      } catch {
        return { invalidAt: i };
      }
      i += len;
    }
    return { invalidAt: bytes.length };
  }
}

export function loadManifestBytes(bytes: Uint8Array, source: Omit<Source, 'docIndex'>, limits?: YamlLimits): ManifestLoadResult {
  const nul = binaryOffset(bytes);
  if (nul >= 0) {
    return failure(source, `binary content (NUL byte at offset ${nul}): not a YAML or JSON manifest`);
  }
  const decoded = decodeUtf8(bytes);
  if ('invalidAt' in decoded) {
    return failure(source, `invalid UTF-8 at byte ${decoded.invalidAt}: Kubernetes manifests must be UTF-8`);
  }
  return loadManifestText(decoded.text, source, limits);
}

function failure(source: Omit<Source, 'docIndex'>, message: string): ManifestLoadResult {
  return {
    documents: [],
    problems: [
      { code: 'parse-error', message, file: source.path, position: { line: 1, column: 1, endLine: 1, endColumn: 1 } },
    ],
    skipped: 0,
    yamlDocuments: 0,
  };
}

export function loadManifestText(
  text: string,
  source: Omit<Source, 'docIndex'>,
  limits: YamlLimits = DEFAULT_YAML_LIMITS,
): ManifestLoadResult {
  const lines = new LineIndex(text);
  const result: ManifestLoadResult = { documents: [], problems: [], skipped: 0, yamlDocuments: 0 };
  const docs = parseYamlStream(text, limits);
  if (docs.every((d) => d.empty && d.problems.length === 0)) {
    // Nothing to check is not "no findings": say so, so that an emptied manifest cannot pass.
    result.problems.push({ code: 'empty-file', message: 'file holds no YAML documents', file: source.path, position: { line: 1, column: 1, endLine: 1, endColumn: 1 } });
    return result;
  }
  for (const doc of docs) {
    for (const p of doc.problems) {
      result.problems.push({
        code: p.code === 'duplicate-key' ? 'duplicate-key' : 'parse-error',
        message: p.message,
        file: source.path,
        position: lines.range(p.start, Math.max(p.end, p.start)),
        helmSource: doc.helmSource,
        details: p.key !== undefined ? { key: p.key } : undefined,
      });
    }
    if (doc.empty) continue;
    result.yamlDocuments++;
    if (doc.fatal) continue;
    const docSource: Source = { ...source, docIndex: doc.index };
    if (doc.helmSource) docSource.helmSource = doc.helmSource;
    const data = doc.data;
    if (isKubernetesObject(data) && isList(data)) {
      const items = data.items as unknown[];
      items.forEach((item, i) => {
        if (isKubernetesObject(item)) {
          result.documents.push(makeDocument(item, docSource, doc, lines, `/items/${i}`, data));
        } else result.skipped++;
      });
    } else if (isKubernetesObject(data)) {
      result.documents.push(makeDocument(data, docSource, doc, lines, '', data));
    } else {
      result.skipped++;
    }
  }
  return result;
}

function isList(obj: Record<string, unknown>): boolean {
  return (obj.kind === 'List' || (obj.kind as string).endsWith('List')) && Array.isArray(obj.items);
}

function makeDocument(
  data: Record<string, unknown>,
  source: Source,
  doc: YamlDocument,
  lines: LineIndex,
  base: string,
  root: unknown,
): LoadedDocument {
  // Several rules report the same field (and every finding of an object locates its identity):
  // each pointer is looked up once. Positions are never modified after they are made.
  let located: Map<string, Position> | undefined;
  return {
    data,
    source,
    locate: (pointer: string) => {
      located ??= new Map();
      let position = located.get(pointer);
      if (!position) located.set(pointer, (position = locateIn(root, base + pointer, doc, lines)));
      return position;
    },
  };
}

/** Position of `pointer`, or of its nearest existing ancestor (the object itself at worst). */
export function locateIn(root: unknown, pointer: string, doc: YamlDocument, lines: LineIndex): Position {
  const cell = doc.offsets.cellAt(root, pointer);
  return cell < 0 ? lines.range(doc.start, doc.end) : lines.range(doc.offsets.start(cell), doc.offsets.end(cell));
}
