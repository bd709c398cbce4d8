// Layers → the file system a container sees, as far as rules need it. Each kept record learns
// whether it is the final version of its path, or which later layer replaced or deleted it
// (`.wh.<name>` whiteouts, `.wh..wh..opq` opaque directories, an ancestor replaced by a
// non-directory), applied in manifest order. Hard links to nothing and symlink loops are found
// here too.

import type { LayerProblem, LayerRecord, LayerScan } from './layer.js';
import { resolveLink } from './layer.js';
import type { LayerRef } from './manifest.js';

export interface ImageFile extends LayerRecord {
  /** 1-based position of the layer in the image. */
  layer: number;
  layerDigest: string;
  /** The version of the path a container sees. */
  final: boolean;
  /** A later layer deleted the path (the bytes stay in this layer's blob). */
  deletedIn?: number;
  /** A later layer wrote the path again. */
  replacedIn?: number;
}

export interface ImageProblem extends LayerProblem {
  layer?: number;
  layerDigest?: string;
}

export interface MergedImage {
  files: ImageFile[];
  problems: ImageProblem[];
  /** Layers that were missing or could not be read to their end. */
  incomplete: number[];
}

/** `sha256:<64 hex>` → `sha256:<12 hex>`; anything else (a member name) as it is. */
export function shortDigest(digest: string): string {
  return /^[a-z0-9]+:[a-f0-9]{12,}$/.test(digest) ? digest.slice(0, digest.indexOf(':') + 13) : digest;
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) out.push(path.slice(0, i));
  return out;
}

/** Does `layer` delete `path` of a lower layer (without writing it again)? */
function deletes(layer: LayerScan, path: string, parents: string[]): boolean {
  if (layer.whiteouts.has(path)) return true;
  for (const a of parents) {
    if (layer.whiteouts.has(a) || layer.opaque.has(a)) return true;
    // A parent directory replaced by a file or a symlink hides everything below it.
    if (layer.paths.has(a) && !layer.dirs.has(a)) return true;
  }
  return false;
}

export function mergeLayers(refs: LayerRef[], scans: Array<LayerScan | undefined>): MergedImage {
  const out: MergedImage = { files: [], problems: [], incomplete: [] };
  const n = refs.length;
  scans.forEach((scan, i) => {
    const layer = i + 1;
    const layerDigest = refs[i]!.digest;
    if (!scan) {
      out.incomplete.push(layer);
      out.problems.push({ code: 'archive-invalid', message: `layer ${layer} (${shortDigest(layerDigest)}) is named by the manifest but missing from the archive`, layer, layerDigest });
      return;
    }
    if (scan.failed) out.incomplete.push(layer);
    for (const p of scan.problems) out.problems.push({ ...p, layer, layerDigest });

    for (const rec of scan.records) {
      const file: ImageFile = { ...rec, layer, layerDigest, final: true };
      const parents = ancestors(rec.path);
      for (let j = i + 1; j < n; j++) {
        const later = scans[j];
        if (!later) continue;
        if (later.paths.has(rec.path)) {
          file.replacedIn = j + 1;
          file.final = false;
          break;
        }
        if (deletes(later, rec.path, parents)) {
          file.deletedIn = j + 1;
          file.final = false;
          break;
        }
      }
      out.files.push(file);
    }

    for (const h of scan.hardlinks) {
      let found = scan.paths.has(h.target);
      for (let k = i - 1; k >= 0 && !found; k--) found = !!scans[k]?.paths.has(h.target);
      if (!found) {
        out.problems.push({
          code: 'hardlink-missing',
          message: `hard link ${h.path} points at ${h.target}, which no layer holds: runtimes cannot unpack it`,
          path: h.path,
          layer,
          layerDigest,
        });
      }
    }
  });
  for (const p of symlinkLoops(refs, scans)) out.problems.push(p);
  return out;
}

/** Symlinks of the final file system that lead back to themselves (each loop once). */
function symlinkLoops(refs: LayerRef[], scans: Array<LayerScan | undefined>): ImageProblem[] {
  const links = new Map<string, { target: string; layer: number }>();
  scans.forEach((s, i) => {
    for (const [p, t] of s?.symlinks ?? []) links.set(p, { target: t, layer: i + 1 });
  });
  const state = new Map<string, 1 | 2>();
  const problems: ImageProblem[] = [];
  for (const start of links.keys()) {
    if (state.has(start)) continue;
    const chain: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && links.has(cur) && !state.has(cur)) {
      state.set(cur, 1);
      chain.push(cur);
      cur = resolveLink(cur, links.get(cur)!.target);
    }
    if (cur !== undefined && state.get(cur) === 1) {
      const loop = chain.slice(chain.indexOf(cur));
      const first = links.get(loop[0]!)!;
      // Only a loop that survives to the final file system matters.
      if (loop.every((p) => isFinal(p, links.get(p)!.layer, scans))) {
        problems.push({
          code: 'symlink-loop',
          message: `symlink loop: ${[...loop, loop[0]].join(' -> ')}`,
          path: loop[0]!,
          layer: first.layer,
          layerDigest: refs[first.layer - 1]!.digest,
        });
      }
    }
    for (const p of chain) state.set(p, 2);
  }
  return problems;
}

function isFinal(path: string, layer: number, scans: Array<LayerScan | undefined>): boolean {
  const parents = ancestors(path);
  for (let j = layer; j < scans.length; j++) {
    const later = scans[j];
    if (later && (later.paths.has(path) || deletes(later, path, parents))) return false;
  }
  return true;
}
