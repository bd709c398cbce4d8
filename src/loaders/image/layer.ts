// One layer, one sequential pass: sniff the compression, decode as a stream, walk the tar entries
// with tar-stream, and keep only what rules need. Every path goes into a compact PathSet (8 bytes
// an entry), whiteouts and symlinks into small maps, and a record is kept only for files that
// matter (setuid/setgid, world-writable, secrets, tokens, models, package databases, accounts,
// GPU library versions). File contents are read only for those, each within a bound; nothing is
// written to disk and no layer is held in memory.

import tar from 'tar-stream';
import type { Transform } from 'node:stream';
import type { Readable } from 'streamx';
import {
  gpuLibraryFromName,
  parseApk,
  parseConda,
  parseCudaVersion,
  parseDpkg,
  parseGroup,
  parseHeaderVersion,
  parseNpm,
  parseOsRelease,
  parsePasswd,
  parsePythonMetadata,
  parseShadow,
  sniffModel,
  type Facts,
  type ModelFact,
} from './content.js';
import { decoder, DecodeError, sniffCompression, type Compression } from './decompress.js';
import { ImageLimitError, type ImageLimits } from './limits.js';
import { PathSet } from './path-set.js';
import { feedTar } from './tar-feed.js';
import type { ImageTables } from './tables.js';

/** Largest file searched for token-shaped strings ("small text files"). */
export const TOKEN_SCAN_MAX = 1024 * 1024;
/** Bytes of a model file read to identify its format. */
const MODEL_HEAD = 512;
/** Token hits kept per file (the rest are counted). */
const MAX_TOKEN_HITS = 20;

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TokenHit {
  kind: string;
  line: number;
  /** The raw value: only for masking, never shown. */
  value: string;
}

export interface LayerRecord {
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  link?: string;
  setuid?: boolean;
  setgid?: boolean;
  worldWritable?: boolean;
  secret?: string;
  tokens?: TokenHit[];
  model?: ModelFact;
  facts?: Facts[];
}

export interface LayerProblem {
  code: 'archive-invalid' | 'unsafe-path' | 'hardlink-missing' | 'symlink-loop';
  message: string;
  path?: string;
}

export interface LayerScan {
  /** Name of the blob in the archive (or its digest for layout directories). */
  id: string;
  compression?: Compression;
  entries: number;
  /** Decompressed bytes. */
  bytes: number;
  paths: PathSet;
  dirs: PathSet;
  whiteouts: Set<string>;
  opaque: Set<string>;
  symlinks: Map<string, string>;
  hardlinks: Array<{ path: string; target: string }>;
  records: LayerRecord[];
  problems: LayerProblem[];
  /** The layer could not be read to its end (corrupt, truncated, not a tar). */
  failed?: string;
}

/** Shared by every layer of one archive: the bounds and what has been spent of them. */
export class Budget {
  bytes = 0;
  entries = 0;
  constructor(
    readonly limits: ImageLimits,
    readonly file: string,
  ) {}

  addBytes(n: number, where: string): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes) throw new ImageLimitError('maxBytes', this.limits.maxBytes, this.file, where);
  }

  addEntry(where: string): void {
    if (++this.entries > this.limits.maxEntries) throw new ImageLimitError('maxEntries', this.limits.maxEntries, this.file, where);
  }
}

export interface ScanContext {
  tables: ImageTables;
  budget: Budget;
}

export function emptyScan(id: string): LayerScan {
  return {
    id,
    entries: 0,
    bytes: 0,
    paths: new PathSet(),
    dirs: new PathSet(),
    whiteouts: new Set(),
    opaque: new Set(),
    symlinks: new Map(),
    hardlinks: [],
    records: [],
    problems: [],
  };
}

/** `./a/b/`, `/a//b` → `/a/b`; `..` that climbs above the root is refused. */
export function normalizeEntryPath(name: string): { path: string; escapes: boolean; absolute: boolean } {
  const absolute = name.startsWith('/') && !/^\/+$/.test(name);
  const out: string[] = [];
  let escapes = false;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) escapes = true;
      else out.pop();
      continue;
    }
    out.push(part);
  }
  return { path: `/${out.join('/')}`, escapes, absolute };
}

/** Resolve a symlink target against the directory of the link, staying inside the root. */
export function resolveLink(from: string, target: string): string {
  const base = target.startsWith('/') ? '' : from.slice(0, from.lastIndexOf('/'));
  return normalizeEntryPath(`${base}/${target}`).path;
}

const TYPES: Record<string, EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

type Parser = (bytes: Uint8Array, path: string) => Facts[];

const pkgs =
  (db: 'dpkg' | 'apk' | 'python' | 'conda' | 'npm', f: (b: Uint8Array) => ReturnType<typeof parseDpkg>): Parser =>
  (b) => {
    const packages = f(b);
    return packages.length ? [{ kind: 'packages', db, packages }] : [];
  };

const PARSERS = {
  dpkg: pkgs('dpkg', parseDpkg),
  apk: pkgs('apk', parseApk),
  python: pkgs('python', parsePythonMetadata),
  conda: pkgs('conda', parseConda),
  npm: pkgs('npm', parseNpm),
  passwd: (b) => [{ kind: 'passwd', users: parsePasswd(b) }],
  group: (b) => [{ kind: 'group', groups: parseGroup(b) }],
  shadow: (b) => [{ kind: 'shadow', entries: parseShadow(b) }],
  os: (b) => {
    const f = parseOsRelease(b);
    return f ? [f] : [];
  },
  cuda: (b) => {
    const v = parseCudaVersion(b);
    return v ? [{ kind: 'gpu-lib', lib: 'cuda', version: v, from: 'version-file' }] : [];
  },
  cudnn: (b) => {
    const v = parseHeaderVersion(b, 'CUDNN');
    return v ? [{ kind: 'gpu-lib', lib: 'cudnn', version: v, from: 'header' }] : [];
  },
  nccl: (b) => {
    const v = parseHeaderVersion(b, 'NCCL');
    return v ? [{ kind: 'gpu-lib', lib: 'nccl', version: v, from: 'header' }] : [];
  },
} satisfies Record<string, Parser>;

/** Which parser reads a file, by its path (most paths fail on the base-name switch). */
export function parserFor(path: string, base: string): keyof typeof PARSERS | undefined {
  switch (base) {
    case 'passwd':
      return path === '/etc/passwd' ? 'passwd' : undefined;
    case 'group':
      return path === '/etc/group' ? 'group' : undefined;
    case 'shadow':
      return path === '/etc/shadow' ? 'shadow' : undefined;
    case 'os-release':
      return path === '/etc/os-release' || path === '/usr/lib/os-release' ? 'os' : undefined;
    case 'status':
      return path === '/var/lib/dpkg/status' ? 'dpkg' : undefined;
    case 'installed':
      return path === '/lib/apk/db/installed' || path === '/usr/lib/apk/db/installed' ? 'apk' : undefined;
    case 'METADATA':
      return path.endsWith('.dist-info/METADATA') ? 'python' : undefined;
    case 'PKG-INFO':
      return path.endsWith('.egg-info/PKG-INFO') ? 'python' : undefined;
    case 'package.json':
      return /\/node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(path) ? 'npm' : undefined;
    case 'version.json':
    case 'version.txt':
      return /^\/usr\/local\/cuda[^/]*\/version\.(json|txt)$/.test(path) ? 'cuda' : undefined;
    case 'cudnn.h':
      return 'cudnn';
    case 'nccl.h':
      return 'nccl';
  }
  if (/^cudnn_version(_v\d+)?\.h$/.test(base)) return 'cudnn';
  if (base.endsWith('.json') && path.includes('/conda-meta/')) return /\/conda-meta\/[^/]+\.json$/.test(path) ? 'conda' : undefined;
  if (base.endsWith('.egg-info') && (path.includes('-packages/') || path.includes('/python'))) return 'python';
  if (path.startsWith('/var/lib/dpkg/status.d/') && !base.includes('.')) return 'dpkg';
  return undefined;
}

interface Plan {
  parser?: keyof typeof PARSERS;
  model?: string;
  secretKind?: string;
  /** Secret-file rows whose `contains` needs the content. */
  secretContains?: Array<{ kind: string; contains: RegExp }>;
  tokens: boolean;
  gpuLib?: { lib: 'cuda' | 'cudnn' | 'nccl'; version: string };
}

export function planFile(path: string, size: number, t: ImageTables): Plan {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const plan: Plan = { tokens: false };
  plan.parser = parserFor(path, base);
  const dot = base.lastIndexOf('.');
  if (dot > 0 && size > 0) {
    const ext = base.slice(dot + 1).toLowerCase();
    const format = t.modelExt.get(ext);
    if (format && !(t.modelSkip && t.modelSkip.test(path))) plan.model = format;
  }
  for (const row of t.secretFiles) {
    if (!row.re.test(path) || (row.exclude && row.exclude.test(path))) continue;
    if (row.contains) (plan.secretContains ??= []).push({ kind: row.kind, contains: row.contains });
    else if (!plan.secretKind) plan.secretKind = row.kind;
  }
  plan.tokens = size > 0 && size <= TOKEN_SCAN_MAX && !plan.model && !(t.tokenScanSkip && t.tokenScanSkip.test(path));
  if (base.startsWith('lib') && base.includes('.so.')) {
    const lib = gpuLibraryFromName(base);
    if (lib) plan.gpuLib = lib;
  }
  return plan;
}

/** Token-shaped strings in a text, with their line numbers. */
export function findTokens(text: string, t: ImageTables): TokenHit[] {
  if (!t.tokenPrefilter || !t.tokenPrefilter.test(text)) return [];
  const hits: TokenHit[] = [];
  const taken: Array<[number, number]> = [];
  for (const p of t.tokens) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      // An Anthropic key also looks like an OpenAI one: the first (more specific) pattern wins.
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      let line = 1;
      for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
      hits.push({ kind: p.name, line, value: m[0] });
      if (hits.length >= MAX_TOKEN_HITS) return hits;
    }
  }
  return hits.sort((a, b) => a.line - b.line);
}

function binary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  for (let i = 0; i < n; i++) if (b[i] === 0) return true;
  return false;
}

/** Wait for a writable to take more (or to be gone). */
function drained(w: { once(e: string, f: () => void): unknown; off(e: string, f: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.once('drain', done);
    w.once('close', done);
  });
}

/**
 * Scan one layer from its (possibly compressed) bytes. Read problems — corrupt compression, a
 * truncated or invalid tar, an unsafe entry — are recorded in the result; exceeding a bound
 * rejects with an ImageLimitError. The source is always read to its end.
 */
export async function scanLayer(source: AsyncIterable<Uint8Array>, id: string, ctx: ScanContext): Promise<LayerScan> {
  const scan = emptyScan(id);
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < 512) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headLen += r.value.length;
  }
  const first = head.length === 1 ? head[0]! : Buffer.concat(head);
  const kind = headLen === 0 ? 'none' : sniffCompression(first);
  if (!kind) {
    scan.failed = 'not a tar archive, gzip or zstd stream';
    scan.problems.push({ code: 'archive-invalid', message: `layer ${shortName(id)} is ${scan.failed}` });
    if (!ended) for (let r = await it.next(); !r.done; r = await it.next());
    return scan;
  }
  scan.compression = kind;

  const dec: Transform = decoder(kind);
  const ex = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  let fatal: unknown;
  const finished = new Promise<void>((resolve) => {
    const fail = (e: unknown) => {
      if (fatal === undefined) fatal = e;
      dec.destroy();
      ex.destroy();
      resolve();
    };
    dec.on('error', fail);
    ex.on('error', fail);
    ex.on('finish', () => resolve());
    ex.on('close', () => resolve());
    feedTar(
      dec,
      ex,
      (c) => {
        ctx.budget.addBytes(c.length, `layer ${id}`);
        scan.bytes += c.length;
      },
      fail,
    );
  });
  ex.on('entry', (header, stream, next) => {
    const done = (e?: unknown) => next(e === undefined ? undefined : e instanceof Error ? e : new Error(String(e)));
    try {
      onEntry(scan, header, stream, done, ctx);
    } catch (e) {
      done(e);
    }
  });

  const feed = async (chunk: Uint8Array): Promise<void> => {
    if (fatal !== undefined || dec.destroyed) return;
    if (!dec.write(chunk)) await Promise.race([drained(dec), finished]);
  };
  for (const c of head) await feed(c);
  if (!ended) for (let r = await it.next(); !r.done; r = await it.next()) await feed(r.value);
  if (fatal === undefined && !dec.destroyed) dec.end();
  await finished;

  if (fatal instanceof ImageLimitError) throw fatal;
  if (fatal !== undefined) {
    const msg = fatal instanceof DecodeError ? fatal.message : describeTarError(fatal as Error, kind);
    scan.failed = msg;
    scan.problems.push({ code: 'archive-invalid', message: `layer ${shortName(id)} is unreadable: ${msg}` });
  }
  return scan;
}

/** `blobs/sha256/<64 hex>` → `blobs/sha256/<12 hex>`, so messages stay short. */
function shortName(id: string): string {
  return id.replace(/([a-f0-9]{12})[a-f0-9]{52}/, '$1');
}

function describeTarError(e: Error, kind: Compression): string {
  const m = e.message || String(e);
  if (/unexpected end of file/i.test(m)) return `${kind} stream is truncated`;
  if (/Unexpected end of data/.test(m)) return 'tar archive is truncated';
  if (/Invalid tar header/.test(m)) return 'invalid tar header (corrupt or not a tar)';
  if (/incorrect header check|invalid (block type|distance|stored block|code)/i.test(m)) return `corrupt ${kind} data (${m})`;
  return m;
}

function onEntry(scan: LayerScan, header: tar.Header, stream: Readable, next: (e?: unknown) => void, ctx: ScanContext): void {
  const name = header.name ?? '';
  // An entry cut short errors on its stream too; the layer-level error reports it.
  stream.on('error', () => {});
  ctx.budget.addEntry(`layer ${scan.id}`);
  scan.entries++;
  const limits = ctx.budget.limits;
  if (Buffer.byteLength(name) > limits.maxPath || Buffer.byteLength(header.linkname ?? '') > limits.maxPath) {
    throw new ImageLimitError('maxPath', limits.maxPath, ctx.budget.file, `an entry of layer ${scan.id}`);
  }
  const skip = () => {
    stream.on('end', () => next());
    stream.resume();
  };
  const type = TYPES[header.type ?? 'file'] ?? 'other';
  const norm = normalizeEntryPath(name);
  if (norm.escapes) {
    scan.problems.push({ code: 'unsafe-path', message: `entry "${name}" climbs out of the image root with ".."; runtimes refuse the layer`, path: norm.path });
    return skip();
  }
  if (norm.absolute) {
    scan.problems.push({ code: 'unsafe-path', message: `entry "${name}" has an absolute path; a naive extractor writes it outside the root`, path: norm.path });
  }
  const path = norm.path;
  if (path === '/') return skip();
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const parent = slash === 0 ? '/' : path.slice(0, slash);

  if (base.startsWith('.wh.')) {
    if (base === '.wh..wh..opq') scan.opaque.add(parent);
    else if (!base.startsWith('.wh..wh.')) scan.whiteouts.add(parent === '/' ? `/${base.slice(4)}` : `${parent}/${base.slice(4)}`);
    return skip();
  }
  scan.paths.add(path);
  const mode = header.mode ?? 0;
  const rec: LayerRecord = { path, type, mode, uid: header.uid ?? 0, gid: header.gid ?? 0, size: header.size ?? 0 };
  let keep = false;
  if (type === 'dir') {
    scan.dirs.add(path);
    if (mode & 0o002 && !(mode & 0o1000)) rec.worldWritable = keep = true;
    if (keep) scan.records.push(rec);
    return skip();
  }
  if (type === 'symlink') {
    scan.symlinks.set(path, header.linkname ?? '');
    return skip();
  }
  if (type === 'hardlink') {
    const target = normalizeEntryPath(header.linkname ?? '');
    if (target.escapes) {
      scan.problems.push({ code: 'unsafe-path', message: `hard link "${name}" points out of the image root ("${header.linkname}")`, path });
      return skip();
    }
    rec.link = target.path;
    scan.hardlinks.push({ path, target: target.path });
  }
  if (type === 'file' || type === 'hardlink') {
    if (mode & 0o4000) rec.setuid = keep = true;
    if (mode & 0o2000) rec.setgid = keep = true;
    if (mode & 0o002) rec.worldWritable = keep = true;
  }
  if (type !== 'file') {
    if (keep) scan.records.push(rec);
    return skip();
  }

  const plan = planFile(path, rec.size, ctx.tables);
  if (plan.secretKind) rec.secret = plan.secretKind;
  if (plan.gpuLib) rec.facts = [{ kind: 'gpu-lib', lib: plan.gpuLib.lib, version: plan.gpuLib.version, from: 'library' }];
  keep ||= !!plan.secretKind || !!plan.gpuLib;
  const wantFull = !!plan.parser || ((plan.tokens || !!plan.secretContains) && rec.size <= TOKEN_SCAN_MAX);
  const wantHead = !!plan.model;
  if (!wantFull && !wantHead) {
    if (keep) scan.records.push(rec);
    return skip();
  }
  if (plan.parser && rec.size > limits.maxFileRead) {
    throw new ImageLimitError('maxFileRead', limits.maxFileRead, ctx.budget.file, `${path} in layer ${scan.id} is ${rec.size} bytes`);
  }
  const cap = wantFull ? Math.min(rec.size, Math.max(limits.maxFileRead, TOKEN_SCAN_MAX)) : Math.min(rec.size, MODEL_HEAD);
  const parts: Buffer[] = [];
  let got = 0;
  stream.on('data', (data: unknown) => {
    const c = data as Buffer;
    if (got >= cap) return;
    const take = c.length <= cap - got ? c : c.subarray(0, cap - got);
    parts.push(take);
    got += take.length;
  });
  stream.on('end', () => {
    try {
      const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
      if (plan.model) {
        const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
        const model = sniffModel(bytes.subarray(0, MODEL_HEAD), ext, plan.model);
        if (model) {
          rec.model = model;
          keep = true;
        }
      }
      if (plan.parser) {
        const facts = PARSERS[plan.parser](bytes, path);
        if (facts.length) {
          rec.facts = [...(rec.facts ?? []), ...facts];
          keep = true;
        }
      }
      if (wantFull && (plan.tokens || plan.secretContains) && !binary(bytes)) {
        const text = bytes.toString('latin1');
        for (const row of plan.secretContains ?? []) {
          if (!rec.secret && row.contains.test(text)) rec.secret = row.kind;
        }
        if (plan.tokens || rec.secret) {
          const hits = findTokens(text, ctx.tables);
          if (hits.length) rec.tokens = hits;
        }
        keep ||= !!rec.secret || !!rec.tokens;
      }
      if (keep) scan.records.push(rec);
      next();
    } catch (e) {
      next(e);
    }
  });
}
