// Which images an archive holds and which blobs make each one: docker-archive `manifest.json`
// (legacy `docker save` and skopeo), or an OCI `index.json` (nested indexes, multi-platform
// indexes narrowed to one platform). Missing or unreadable blobs are problems, not crashes.

import type { BlobStore } from './archive.js';
import type { LayerProblem } from './layer.js';

export interface LayerRef {
  /** Member name in the archive. */
  name: string;
  /** Digest shown to users: the diff ID (docker-archive) or the blob digest (OCI). */
  digest: string;
  mediaType?: string;
}

export interface ResolvedImage {
  format: 'docker-archive' | 'oci';
  /** Names the archive gives the image (RepoTags, ref.name annotations). */
  refs: string[];
  manifestDigest?: string;
  configDigest?: string;
  /** Parsed image configuration (`config`, `history`, `rootfs`, platform fields). */
  config: Record<string, unknown>;
  layers: LayerRef[];
  platform?: string;
  /** Platforms of the same index that were not selected. */
  otherPlatforms: string[];
}

export interface Resolution {
  images: ResolvedImage[];
  problems: LayerProblem[];
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function blobName(digest: string): string | undefined {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
  return m ? `blobs/${m[1]}/${m[2]}` : undefined;
}

export function platformString(p: unknown): string | undefined {
  if (!isObj(p)) return undefined;
  const os = str(p.os);
  const arch = str(p.architecture);
  if (!os || !arch) return undefined;
  const variant = str(p.variant);
  return variant ? `${os}/${arch}/${variant}` : `${os}/${arch}`;
}

/** `linux/arm64` matches `linux/arm64/v8`; a requested variant must match exactly. */
export function platformMatches(available: string, wanted: string): boolean {
  const a = available.split('/');
  const w = wanted.split('/');
  if (a[0] !== w[0] || a[1] !== w[1]) return false;
  return w[2] === undefined || a[2] === w[2];
}

export class PlatformError extends Error {}

export async function resolveImages(store: BlobStore, platform: string): Promise<Resolution> {
  const problems: LayerProblem[] = [];
  if (store.has('manifest.json')) return resolveDocker(store, problems);
  if (store.has('index.json')) return resolveOci(store, platform, problems);
  return { images: [], problems };
}

async function resolveDocker(store: BlobStore, problems: LayerProblem[]): Promise<Resolution> {
  const manifest = await store.json('manifest.json');
  if (!Array.isArray(manifest)) {
    problems.push({ code: 'archive-invalid', message: 'manifest.json is not a JSON array of images' });
    return { images: [], problems };
  }
  const images: ResolvedImage[] = [];
  for (const [i, entry] of manifest.entries()) {
    if (!isObj(entry) || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) {
      problems.push({ code: 'archive-invalid', message: `manifest.json image ${i} lacks Config or Layers` });
      continue;
    }
    const config = await store.json(entry.Config);
    if (!isObj(config)) {
      problems.push({ code: 'archive-invalid', message: `manifest.json image ${i} names config "${entry.Config}", which the archive ${store.has(entry.Config) ? 'holds but is not JSON' : 'does not hold'}` });
      continue;
    }
    const diffIds = isObj(config.rootfs) && Array.isArray(config.rootfs.diff_ids) ? (config.rootfs.diff_ids as unknown[]) : [];
    const layers: LayerRef[] = (entry.Layers as unknown[]).map((l, k) => {
      const name = String(l);
      const fromName = /([a-f0-9]{64})/.exec(name)?.[1];
      return { name, digest: str(diffIds[k]) ?? (fromName ? `sha256:${fromName}` : name) };
    });
    const configHex = /([a-f0-9]{64})/.exec(entry.Config)?.[1];
    images.push({
      format: 'docker-archive',
      refs: Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((t): t is string => typeof t === 'string') : [],
      ...(configHex ? { configDigest: `sha256:${configHex}` } : {}),
      config,
      layers,
      ...(platformString(config) ? { platform: platformString(config)! } : {}),
      otherPlatforms: [],
    });
  }
  return { images, problems };
}

interface Candidate {
  digest: string;
  platform?: string;
  refs: string[];
}

async function resolveOci(store: BlobStore, wanted: string, problems: LayerProblem[]): Promise<Resolution> {
  const index = await store.json('index.json');
  if (!isObj(index) || !Array.isArray(index.manifests)) {
    problems.push({ code: 'archive-invalid', message: 'index.json is not an OCI image index' });
    return { images: [], problems };
  }
  const byDigest = new Map<string, ResolvedImage>();
  const images: ResolvedImage[] = [];
  for (const top of index.manifests as unknown[]) {
    if (!isObj(top) || typeof top.digest !== 'string') continue;
    const refs = refsOf(top);
    const found: Candidate[] = [];
    await expand(store, top, refs, 0, found, problems);
    const usable = found.filter((c) => c.platform !== 'unknown/unknown');
    if (!usable.length) continue;
    let chosen = usable;
    let others: string[] = [];
    if (usable.length > 1 || (usable[0]!.platform && INDEX_TYPES.has(str(top.mediaType) ?? ''))) {
      const match = usable.filter((c) => c.platform && platformMatches(c.platform, wanted));
      if (!match.length) {
        const list = usable.map((c) => c.platform ?? '?').join(', ');
        throw new PlatformError(`the image${refs.length ? ` ${refs[0]}` : ''} has no ${wanted} manifest (platforms: ${list}); choose one with --platform`);
      }
      chosen = [match[0]!];
      others = usable.filter((c) => c !== match[0]).map((c) => c.platform ?? '?');
    }
    for (const c of chosen) {
      const known = byDigest.get(c.digest);
      if (known) {
        for (const r of refs) if (!known.refs.includes(r)) known.refs.push(r);
        continue;
      }
      const img = await loadManifest(store, c, others, problems);
      if (!img) continue;
      byDigest.set(c.digest, img);
      images.push(img);
    }
  }
  return { images, problems };
}

function refsOf(desc: Obj): string[] {
  const a = isObj(desc.annotations) ? desc.annotations : {};
  const out: string[] = [];
  const full = str(a['io.containerd.image.name']);
  if (full) out.push(full);
  const ref = str(a['org.opencontainers.image.ref.name']);
  if (ref && !out.some((r) => r.endsWith(`:${ref}`) || r === ref)) out.push(ref);
  return out;
}

async function expand(store: BlobStore, desc: Obj, refs: string[], depth: number, out: Candidate[], problems: LayerProblem[]): Promise<void> {
  const digest = str(desc.digest)!;
  const a = isObj(desc.annotations) ? desc.annotations : {};
  if (a['vnd.docker.reference.type'] === 'attestation-manifest') return;
  const name = blobName(digest);
  const mediaType = str(desc.mediaType);
  if (mediaType && INDEX_TYPES.has(mediaType)) {
    if (depth >= 4) {
      problems.push({ code: 'archive-invalid', message: `image index ${digest} nests deeper than 4 levels` });
      return;
    }
    const nested = name ? await store.json(name) : undefined;
    if (!isObj(nested) || !Array.isArray(nested.manifests)) {
      problems.push({ code: 'archive-invalid', message: `index.json names image index ${digest}, which the archive ${name && store.has(name) ? 'holds but cannot parse' : 'does not hold'}` });
      return;
    }
    for (const d of nested.manifests as unknown[]) {
      if (isObj(d) && typeof d.digest === 'string') await expand(store, d, refs, depth + 1, out, problems);
    }
    return;
  }
  const platform = platformString(desc.platform);
  out.push({ digest, refs, ...(platform ? { platform } : {}) });
}

async function loadManifest(store: BlobStore, c: Candidate, others: string[], problems: LayerProblem[]): Promise<ResolvedImage | undefined> {
  const name = blobName(c.digest);
  const manifest = name ? await store.json(name) : undefined;
  if (!isObj(manifest) || !isObj(manifest.config) || !Array.isArray(manifest.layers)) {
    problems.push({ code: 'archive-invalid', message: `index.json names manifest ${c.digest}, which the archive ${name && store.has(name) ? 'holds but cannot parse' : 'does not hold'}` });
    return undefined;
  }
  const configDigest = str(manifest.config.digest) ?? '';
  const configName = blobName(configDigest);
  const config = configName ? await store.json(configName) : undefined;
  if (!isObj(config)) {
    problems.push({ code: 'archive-invalid', message: `manifest ${c.digest} names config ${configDigest}, which the archive ${configName && store.has(configName) ? 'holds but cannot parse' : 'does not hold'}` });
    return undefined;
  }
  const layers: LayerRef[] = [];
  for (const l of manifest.layers as unknown[]) {
    const digest = isObj(l) ? str(l.digest) : undefined;
    const ln = digest ? blobName(digest) : undefined;
    if (!digest || !ln) {
      problems.push({ code: 'archive-invalid', message: `manifest ${c.digest} has a layer without a valid digest` });
      continue;
    }
    layers.push({ name: ln, digest, ...(isObj(l) && typeof l.mediaType === 'string' ? { mediaType: l.mediaType } : {}) });
  }
  const platform = c.platform ?? platformString(config);
  return {
    format: 'oci',
    refs: [...c.refs],
    manifestDigest: c.digest,
    configDigest,
    config,
    layers,
    ...(platform ? { platform } : {}),
    otherPlatforms: others,
  };
}
