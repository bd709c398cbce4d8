// Parsers for the few files whose content image rules and the inventory need: package databases
// (dpkg, apk, Python metadata, conda-meta, npm package.json), passwd/group/shadow, os-release,
// CUDA/cuDNN/NCCL version files, and model file headers. Each takes bytes already bounded by the
// single-file read limit and returns plain facts; none throws on malformed input.

export type Ecosystem = 'deb' | 'apk' | 'pypi' | 'conda' | 'npm';

export interface PackageFact {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  arch?: string;
  /** Source package (dpkg `Source:`, apk `o:`), when it differs from the name. */
  source?: string;
  license?: string;
}

export interface UserFact {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface ShadowFact {
  name: string;
  /** empty: no password needed; locked: `!`/`*` (no password login); set: a hash. */
  password: 'empty' | 'locked' | 'set';
  line: number;
}

export type Facts =
  | { kind: 'packages'; db: 'dpkg' | 'apk' | 'python' | 'conda' | 'npm'; packages: PackageFact[] }
  | { kind: 'passwd'; users: UserFact[] }
  | { kind: 'group'; groups: Array<{ name: string; gid: number }> }
  | { kind: 'shadow'; entries: ShadowFact[] }
  | { kind: 'os-release'; id: string; versionId?: string; name?: string }
  | { kind: 'gpu-lib'; lib: 'cuda' | 'cudnn' | 'nccl'; version: string; from: 'version-file' | 'header' | 'library' };

const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');

/** RFC 822-style stanzas separated by blank lines (dpkg status, apk installed use `K:V` too). */
function stanzas(s: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  let cur = new Map<string, string>();
  let last: string | undefined;
  for (const line of s.split('\n')) {
    if (line.trim() === '') {
      if (cur.size) out.push(cur);
      cur = new Map();
      last = undefined;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      cur.set(last, `${cur.get(last)}\n${line.trim()}`);
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i).trim();
    if (!cur.has(last)) cur.set(last, line.slice(i + 1).trim());
  }
  if (cur.size) out.push(cur);
  return out;
}

/** /var/lib/dpkg/status (installed packages only) and the per-package files of status.d/. */
export function parseDpkg(bytes: Uint8Array): PackageFact[] {
  const out: PackageFact[] = [];
  for (const st of stanzas(text(bytes))) {
    const name = st.get('Package');
    const version = st.get('Version');
    if (!name || !version) continue;
    const status = st.get('Status');
    // `deinstall ok config-files` and friends: removed, only configuration left.
    if (status !== undefined && !/\binstalled$/.test(status)) continue;
    const p: PackageFact = { ecosystem: 'deb', name, version };
    const arch = st.get('Architecture');
    if (arch) p.arch = arch;
    const source = st.get('Source')?.split(' ')[0];
    if (source && source !== name) p.source = source;
    out.push(p);
  }
  return out;
}

/** /lib/apk/db/installed */
export function parseApk(bytes: Uint8Array): PackageFact[] {
  const out: PackageFact[] = [];
  for (const st of stanzas(text(bytes))) {
    const name = st.get('P');
    const version = st.get('V');
    if (!name || !version) continue;
    const p: PackageFact = { ecosystem: 'apk', name, version };
    const arch = st.get('A');
    if (arch) p.arch = arch;
    const origin = st.get('o');
    if (origin && origin !== name) p.source = origin;
    const license = st.get('L');
    if (license) p.license = license;
    out.push(p);
  }
  return out;
}

/** `*.dist-info/METADATA` or `*.egg-info/PKG-INFO` (or an `*.egg-info` file): the header block. */
export function parsePythonMetadata(bytes: Uint8Array): PackageFact[] {
  const head = text(bytes).split(/\r?\n\r?\n/, 1)[0] ?? '';
  const st = stanzas(head)[0];
  const name = st?.get('Name');
  const version = st?.get('Version');
  if (!name || !version) return [];
  const p: PackageFact = { ecosystem: 'pypi', name, version };
  const license = st?.get('License-Expression') ?? st?.get('License');
  if (license && license.length < 100 && !license.includes('\n')) p.license = license;
  return [p];
}

function json(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text(bytes));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `conda-meta/<name>-<version>-<build>.json` */
export function parseConda(bytes: Uint8Array): PackageFact[] {
  const j = json(bytes);
  if (!j || typeof j.name !== 'string' || typeof j.version !== 'string') return [];
  const p: PackageFact = { ecosystem: 'conda', name: j.name, version: j.version };
  if (typeof j.license === 'string') p.license = j.license;
  return [p];
}

/** `node_modules/<name>/package.json` */
export function parseNpm(bytes: Uint8Array): PackageFact[] {
  const j = json(bytes);
  if (!j || typeof j.name !== 'string' || typeof j.version !== 'string') return [];
  const p: PackageFact = { ecosystem: 'npm', name: j.name, version: j.version };
  if (typeof j.license === 'string') p.license = j.license;
  return [p];
}

export function parsePasswd(bytes: Uint8Array): UserFact[] {
  const out: UserFact[] = [];
  for (const line of text(bytes).split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5]!, shell: f[6]!.trim() });
  }
  return out;
}

export function parseGroup(bytes: Uint8Array): Array<{ name: string; gid: number }> {
  const out: Array<{ name: string; gid: number }> = [];
  for (const line of text(bytes).split('\n')) {
    const f = line.split(':');
    if (f.length < 3) continue;
    const gid = Number(f[2]);
    if (Number.isInteger(gid)) out.push({ name: f[0]!, gid });
  }
  return out;
}

/** /etc/shadow: only whether each account has a password; the hashes are never kept. */
export function parseShadow(bytes: Uint8Array): ShadowFact[] {
  const out: ShadowFact[] = [];
  text(bytes)
    .split('\n')
    .forEach((line, i) => {
      const f = line.split(':');
      if (f.length < 2 || !f[0]) return;
      const pw = f[1]!;
      const password = pw === '' ? 'empty' : pw.startsWith('!') || pw.startsWith('*') ? 'locked' : 'set';
      out.push({ name: f[0], password, line: i + 1 });
    });
  return out;
}

export function parseOsRelease(bytes: Uint8Array): Facts | undefined {
  const vars = new Map<string, string>();
  for (const line of text(bytes).split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1]!, m[2]!.replace(/^["']|["']$/g, ''));
  }
  const id = vars.get('ID');
  if (!id) return undefined;
  const out: Facts = { kind: 'os-release', id };
  const v = vars.get('VERSION_ID');
  if (v) out.versionId = v;
  const name = vars.get('PRETTY_NAME') ?? vars.get('NAME');
  if (name) out.name = name;
  return out;
}

/** `/usr/local/cuda*\/version.json` ({"cuda": {"version": …}}) or the older version.txt. */
export function parseCudaVersion(bytes: Uint8Array): string | undefined {
  const j = json(bytes);
  const cuda = j?.cuda as { version?: unknown } | undefined;
  if (cuda && typeof cuda.version === 'string') return cuda.version;
  return /CUDA Version\s+(\d+(?:\.\d+)+)/.exec(text(bytes))?.[1];
}

/** cudnn_version.h (cudnn.h before cuDNN 8) and nccl.h: `#define X_MAJOR 8` … */
export function parseHeaderVersion(bytes: Uint8Array, prefix: 'CUDNN' | 'NCCL'): string | undefined {
  const s = text(bytes);
  const get = (k: string) => new RegExp(`#define\\s+${prefix}_${k}\\s+(\\d+)`).exec(s)?.[1];
  const major = get('MAJOR');
  const minor = get('MINOR');
  const patch = get(prefix === 'CUDNN' ? 'PATCHLEVEL' : 'PATCH');
  if (!major || !minor) return undefined;
  return [major, minor, patch].filter((x) => x !== undefined).join('.');
}

/** `libcudnn.so.8.9.7`, `libnccl.so.2.21.5`, `libcudart.so.12.4.127` → the library and version. */
export function gpuLibraryFromName(base: string): { lib: 'cuda' | 'cudnn' | 'nccl'; version: string } | undefined {
  const m = /^lib(cudnn|nccl|cudart)\.so\.(\d+\.\d+(?:\.\d+)*)$/.exec(base);
  if (!m) return undefined;
  return { lib: m[1] === 'cudart' ? 'cuda' : (m[1] as 'cudnn' | 'nccl'), version: m[2]! };
}

// ---------------------------------------------------------------------------------------------
// Model files

export interface ModelFact {
  format: string;
  /** Loading the file unpickles data: arbitrary code at load time. */
  pickle: boolean;
  /** The header confirmed the format (else only the extension says so). */
  verified: boolean;
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const NUMPY = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

function startsWith(b: Uint8Array, sig: number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

/** Pickle protocol 2–5 opens with PROTO; protocol 0/1 pickles of a dict/list open with these. */
function isPickle(b: Uint8Array): boolean {
  if (b.length >= 2 && b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5) return true;
  return b.length >= 2 && (b[0] === 0x28 || b[0] === 0x7d || b[0] === 0x5d) && (b[1] === 0x64 || b[1] === 0x63 || b[1] === 0x28 || b[1] === 0x71);
}

/** The name of the first member of a zip (local file header at offset 0). */
function firstZipName(b: Uint8Array): string | undefined {
  if (!startsWith(b, ZIP) || b.length < 30) return undefined;
  const len = b[26]! | (b[27]! << 8);
  if (b.length < 30 + len) return undefined;
  return Buffer.from(b.buffer, b.byteOffset + 30, len).toString('latin1');
}

/**
 * What a model file is, from its header (the first bytes) and its extension's expected format.
 * Returns undefined when the header contradicts a generic extension (`.bin` that is not a model).
 */
export function sniffModel(head: Uint8Array, ext: string, expected: string): ModelFact | undefined {
  if (startsWith(head, [0x47, 0x47, 0x55, 0x46])) return { format: 'gguf', pickle: false, verified: true };
  if (head.length >= 9 && head[8] === 0x7b) {
    const n = Buffer.from(head.buffer, head.byteOffset, 8).readBigUInt64LE(0);
    if (n > 1n && n < 100_000_000n) return { format: 'safetensors', pickle: false, verified: true };
  }
  if (startsWith(head, HDF5)) return { format: ext === 'keras' ? 'keras-h5' : 'hdf5', pickle: false, verified: true };
  if (startsWith(head, NUMPY)) {
    // An object array (`'descr': '|O'`) is stored as a pickle.
    const hdr = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 512)).toString('latin1');
    return { format: 'numpy', pickle: /'descr':\s*'\|O'/.test(hdr), verified: true };
  }
  const zipName = firstZipName(head);
  if (zipName !== undefined) {
    // torch.save (≥ 1.6) writes a zip whose first member is `<archive>/data.pkl`.
    if (/(^|\/)data\.pkl$/.test(zipName) || /(^|\/)\.data\/version$/.test(zipName) || /(^|\/)(version|byteorder)$/.test(zipName)) {
      return { format: 'pytorch', pickle: true, verified: true };
    }
    if (ext === 'keras') return { format: 'keras', pickle: false, verified: true };
    if (ext === 'npz') return { format: 'numpy', pickle: false, verified: true };
    if (ext === 'mar') return { format: 'torchserve-mar', pickle: true, verified: true };
    return { format: `${expected}-zip`, pickle: expected === 'pickle' || expected === 'pytorch', verified: false };
  }
  if (isPickle(head)) return { format: expected === 'joblib' ? 'joblib' : expected === 'pytorch' ? 'pytorch' : 'pickle', pickle: true, verified: true };
  if (startsWith(head, [0x54, 0x46, 0x4c, 0x33], 4)) return { format: 'tflite', pickle: false, verified: true };
  if (ext === 'onnx' && head[0] === 0x08) return { format: 'onnx', pickle: false, verified: true };
  // A joblib dump compressed with zlib/gzip/xz/lz4 still holds a pickle.
  if (expected === 'joblib' && (head[0] === 0x78 || startsWith(head, [0x1f, 0x8b]) || startsWith(head, [0xfd, 0x37, 0x7a, 0x58]) || startsWith(head, [0x5a, 0x46]))) {
    return { format: 'joblib', pickle: true, verified: true };
  }
  // NeMo checkpoints are tar archives holding a torch checkpoint.
  if (ext === 'nemo' && head.length >= 262 && Buffer.from(head.buffer, head.byteOffset + 257, 5).toString('latin1') === 'ustar') {
    return { format: 'nemo', pickle: true, verified: true };
  }
  // Generic extensions need a header that says "model".
  if (ext === 'bin') return undefined;
  return { format: expected, pickle: expected === 'pickle' || expected === 'pytorch' || expected === 'joblib', verified: false };
}
