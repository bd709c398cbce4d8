// The `image` subject: one per image in an archive, built from its configuration and the merged
// layer records (src/loaders/image). Derived facts are computed here once — the effective user,
// secret-looking environment entries, the software inventory, model files, GPU library versions,
// the AI component the image runs and the known-vulnerable components — so that rules stay
// declarative. The shape is documented in docs/model.md ("Images").
//
// Locations: an instance path under /files, /models, /packages, /vulnerable or /shadow resolves
// to the archive file, the path inside the image and the digest of the layer that holds it; one
// under /env, /user, /healthcheck or /component to the image configuration field
// (`/config/Env/3`, `/config/User`, …).

import { packageUrl } from '../sbom/purl.js';
import { parseImageRef } from './image-ref.js';
import { argvTokens, componentTable, isLoopback, parseFlags } from './components.js';
import { matchVulnerabilities, versionFromTag, vulnerabilityDb, type VulnerabilityDb } from './versions.js';
import type { ImageFile, ImageProblem, MergedImage } from '../loaders/image/merge.js';
import type { ResolvedImage } from '../loaders/image/manifest.js';
import type { ImageTables } from '../loaders/image/tables.js';
import type { Facts, PackageFact, ShadowFact, UserFact } from '../loaders/image/content.js';
import type { Location, Problem, Subject } from './types.js';
import { parsePointer } from '../util/pointer.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ImagePackage extends PackageFact {
  purl: string;
  path: string;
  layer: number;
  layerDigest: string;
}

export interface ImageModel {
  path: string;
  format: string;
  pickle: boolean;
  verified: boolean;
  size: number;
  sizeText: string;
  layer: number;
  layerDigest: string;
}

export interface ImageSubjectInput {
  /** Archive path as the user named it. */
  file: string;
  image: ResolvedImage;
  merged: MergedImage;
  tables: ImageTables;
  /** Position of the image in the archive (subject keys of unnamed images). */
  index: number;
  /** The archive holds several images. */
  several: boolean;
}

export interface BuiltImage {
  subject: Subject;
  /** Raw secret values the image holds (masked in every output). */
  secrets: string[];
  problems: Subject[];
}

export function humanSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

function short(digest: string | undefined): string {
  if (!digest) return '?';
  const i = digest.indexOf(':');
  return i >= 0 ? `${digest.slice(0, i + 1)}${digest.slice(i + 1, i + 13)}` : digest.slice(0, 12);
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** "present in layer 2 (sha256:abc…)", "in layer 1 (…), deleted in layer 3 — still in the image". */
function stateText(f: ImageFile, digests: string[]): string {
  const here = `layer ${f.layer} (${short(f.layerDigest)})`;
  if (f.deletedIn) return `present in ${here}, deleted in layer ${f.deletedIn} (${short(digests[f.deletedIn - 1])}) — still in the image`;
  if (f.replacedIn) return `present in ${here}, replaced in layer ${f.replacedIn} (${short(digests[f.replacedIn - 1])}) — still in the image`;
  return `in ${here}`;
}

/** Debian `epoch:upstream-revision` and Alpine `x.y.z-r0` → the upstream version the advisories use. */
function upstream(version: string): string {
  return version.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[~+].*$/, '');
}

export function buildImageSubject(input: ImageSubjectInput): BuiltImage {
  const { image, merged, tables, file } = input;
  const raw = image.config;
  const cfg = isObj(raw.config) ? raw.config : {};
  const digests = image.layers.map((l) => l.digest);
  const secrets: string[] = [];
  const ref = image.refs[0] ?? null;
  const imageName = ref ?? short(image.manifestDigest ?? image.configDigest);
  const final = merged.files.filter((f) => f.final);

  // --- configuration -----------------------------------------------------------------------
  const envList = Array.isArray(cfg.Env) ? (cfg.Env as unknown[]).filter((e): e is string => typeof e === 'string') : [];
  const envVars: Record<string, string> = {};
  const env = envList.map((entry, index) => {
    const eq = entry.indexOf('=');
    const name = eq >= 0 ? entry.slice(0, eq) : entry;
    const value = eq >= 0 ? entry.slice(eq + 1) : '';
    envVars[name] = value;
    const out: Obj = { index, name, value, secretName: false };
    if (value !== '' && !tables.notSecretValue(value, name)) {
      const token = tables.tokenValue(value);
      if (token) out.tokenKind = token;
      if (tables.secretName(name)) out.secretName = true;
      if (token || out.secretName) secrets.push(value);
    }
    return out;
  });

  const passwd = factOf<{ kind: 'passwd'; users: UserFact[] }>(final, 'passwd');
  const user = effectiveUser(typeof cfg.User === 'string' ? cfg.User : '', passwd?.users);

  const entrypoint = strings(cfg.Entrypoint);
  const cmd = strings(cfg.Cmd);
  const argv = [...entrypoint, ...cmd];
  const exposedPorts = isObj(cfg.ExposedPorts)
    ? Object.keys(cfg.ExposedPorts).map((k) => {
        const [port, protocol] = k.split('/');
        return { port: Number(port), protocol: protocol ?? 'tcp' };
      })
    : [];
  const hc = isObj(cfg.Healthcheck) ? cfg.Healthcheck : undefined;
  const hcTest = hc ? strings(hc.Test) : [];
  const healthcheck = hc && hcTest.length && hcTest[0] !== 'NONE' ? { test: hcTest } : null;
  const history = Array.isArray(raw.history)
    ? (raw.history as unknown[]).filter(isObj).map((h) => ({
        created_by: typeof h.created_by === 'string' ? h.created_by : '',
        empty_layer: h.empty_layer === true,
        ...(typeof h.created === 'string' ? { created: h.created } : {}),
      }))
    : [];

  // --- files -------------------------------------------------------------------------------
  const files: Obj[] = [];
  const fileRefs: ImageFile[] = [];
  for (const f of merged.files) {
    const notable = f.setuid || f.setgid || f.worldWritable || f.secret || f.tokens;
    if (!notable) continue;
    const out: Obj = {
      path: f.path,
      type: f.type,
      mode: octal(f.mode),
      uid: f.uid,
      gid: f.gid,
      size: f.size,
      layer: f.layer,
      layerDigest: f.layerDigest,
      present: f.final,
      state: stateText(f, digests),
    };
    if (f.deletedIn) out.deletedIn = f.deletedIn;
    if (f.replacedIn) out.replacedIn = f.replacedIn;
    if (f.setuid || f.setgid) {
      out.setuid = !!f.setuid;
      out.setgid = !!f.setgid;
      out.usualSetuid = !!tables.setuidUsual?.test(f.path);
    }
    if (f.worldWritable) {
      out.worldWritable = true;
      out.worldWritableAllowed = !!tables.worldWritableAllowed?.test(f.path);
    }
    if (f.secret) out.secret = f.secret;
    if (f.tokens) {
      out.tokens = f.tokens.map((t) => ({ kind: t.kind, line: t.line }));
      out.tokenKinds = [...new Set(f.tokens.map((t) => t.kind))].join(', ');
      out.tokenLines = [...new Set(f.tokens.map((t) => t.line))].join(', ');
      for (const t of f.tokens) secrets.push(t.value);
    }
    files.push(out);
    fileRefs.push(f);
  }

  // --- models ------------------------------------------------------------------------------
  const modelFiles = final.filter((f) => f.model).sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1));
  const models: ImageModel[] = modelFiles.map((f) => ({
    path: f.path,
    format: f.model!.format,
    pickle: f.model!.pickle,
    verified: f.model!.verified,
    size: f.size,
    sizeText: humanSize(f.size),
    layer: f.layer,
    layerDigest: f.layerDigest,
  }));
  const modelBytes = models.reduce((s, m) => s + m.size, 0);

  // --- packages ----------------------------------------------------------------------------
  const os = osOf(final);
  const packages: ImagePackage[] = [];
  for (const f of final) {
    for (const fact of f.facts ?? []) {
      if (fact.kind !== 'packages') continue;
      for (const p of fact.packages) packages.push({ ...p, purl: packageUrl(p, os), path: f.path, layer: f.layer, layerDigest: f.layerDigest });
    }
  }
  packages.sort((a, b) => (a.ecosystem + a.name < b.ecosystem + b.name ? -1 : a.ecosystem + a.name > b.ecosystem + b.name ? 1 : 0));

  // --- accounts ----------------------------------------------------------------------------
  const shadowFile = final.find((f) => f.path === '/etc/shadow' && f.facts?.some((x) => x.kind === 'shadow'));
  const shadow = shadowFile
    ? (shadowFile.facts!.find((x) => x.kind === 'shadow') as { entries: ShadowFact[] }).entries.map((e) => ({
        user: e.name,
        password: e.password,
        line: e.line,
        layer: shadowFile.layer,
        layerDigest: shadowFile.layerDigest,
      }))
    : [];

  // --- GPU stack ---------------------------------------------------------------------------
  const gpu = gpuVersions(final, packages);

  // --- AI component ------------------------------------------------------------------------
  const argvPointer = (i: number) => (i < entrypoint.length ? `/config/Entrypoint/${i}` : `/config/Cmd/${i - entrypoint.length}`);
  const component = imageComponent(tables, image.refs, argv, argvPointer, env, exposedPorts);

  // --- known vulnerabilities ---------------------------------------------------------------
  const vulnerable = vulnerabilities(vulnerabilityDb(tables.raw), packages, image, cfg, envVars, argv);

  const data: Obj = {
    name: imageName,
    ref,
    refs: image.refs,
    format: image.format,
    digest: image.manifestDigest ?? null,
    configDigest: image.configDigest ?? null,
    platform: image.platform ?? null,
    otherPlatforms: image.otherPlatforms,
    os: os ?? null,
    config: cfg,
    user,
    env,
    envVars,
    argv,
    exposedPorts,
    healthcheck,
    history,
    layers: image.layers.map((l, i) => ({ index: i + 1, digest: l.digest, ...(l.mediaType ? { mediaType: l.mediaType } : {}) })),
    complete: merged.incomplete.length === 0,
    files,
    models,
    modelCount: models.length,
    modelBytes,
    modelSize: humanSize(modelBytes),
    packages,
    shadow,
    gpu,
    component,
    vulnerable,
  };

  const key = `image:${file}#${ref ?? image.manifestDigest ?? image.configDigest ?? input.index}`;
  const base: Location = { file, pointer: '', image: imageName };

  const at = (pointer: string, extra: Partial<Location> = {}): Location => ({ ...base, pointer, ...extra });
  const locate = (instancePath: string): Location => {
    const seg = parsePointer(instancePath);
    const idx = Number(seg[1] ?? 0);
    switch (seg[0]) {
      case 'files': {
        const f = files[idx];
        return f ? at(String(f.path), { layer: String(f.layerDigest) }) : at('');
      }
      case 'models':
      case 'modelBytes':
      case 'modelCount': {
        const m = models[seg[0] === 'models' ? idx : 0];
        return m ? at(m.path, { layer: m.layerDigest }) : at('');
      }
      case 'packages': {
        const p = packages[idx];
        return p ? at(p.path, { layer: p.layerDigest }) : at('');
      }
      case 'vulnerable': {
        const v = vulnerable[idx];
        return v ? at(String(v.path), v.layerDigest ? { layer: String(v.layerDigest) } : {}) : at('');
      }
      case 'shadow': {
        const s = shadow[idx];
        return s ? at('/etc/shadow', { layer: s.layerDigest }) : at('');
      }
      case 'env': {
        const e = env[idx];
        return at(e ? `/config/Env/${e.index}` : '/config/Env');
      }
      case 'envVars': {
        const i = envList.findIndex((e) => e.startsWith(`${seg[1]}=`));
        return at(i >= 0 ? `/config/Env/${i}` : '/config/Env');
      }
      case 'user':
        return at('/config/User');
      case 'healthcheck':
        return at('/config/Healthcheck');
      case 'argv':
        return at(idx < entrypoint.length ? `/config/Entrypoint/${idx}` : `/config/Cmd/${idx - entrypoint.length}`);
      case 'exposedPorts': {
        const p = exposedPorts[idx];
        return at(p ? `/config/ExposedPorts/${p.port}~1${p.protocol}` : '/config/ExposedPorts');
      }
      case 'component':
        return at(component ? String(component.pointer) : '');
      case 'config':
        return at(instancePath);
      default:
        return at(instancePath);
    }
  };

  const related = (instancePath: string): Location[] => {
    const seg = parsePointer(instancePath);
    if (seg[0] !== 'files') return [];
    const f = fileRefs[Number(seg[1])];
    const later = f?.deletedIn ?? f?.replacedIn;
    if (!f || !later) return [];
    return [at(f.path, { layer: digests[later - 1], message: f.deletedIn ? `deleted in layer ${later}` : `replaced in layer ${later}` })];
  };

  const subject: Subject = { target: 'image', data, key, locate, related };

  const problems = merged.problems.map((p) => problemSubjectFor(p, file, key, base));
  return { subject, secrets, problems };
}

/** A read problem of one image (unsafe entry, missing blob, …) as a `problem` subject located in its layer. */
export function problemSubjectFor(p: ImageProblem, file: string, key: string, base: Location): Subject {
  const location: Location = { ...base, file, pointer: p.path ?? '' };
  if (p.layerDigest) location.layer = p.layerDigest;
  const problem: Problem = { code: `image-${p.code}`, message: p.message, file, pointer: p.path ?? '' };
  return {
    target: 'problem',
    data: { code: problem.code, message: problem.message, file, ...(p.path ? { path: p.path } : {}), ...(p.layer ? { layer: p.layer } : {}) },
    key: `problem/${key}/${p.layer ?? 0}/${p.code}/${p.path ?? ''}/${p.message}`,
    locate: () => location,
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

function factOf<T extends Facts>(files: ImageFile[], kind: Facts['kind']): T | undefined {
  for (const f of files) for (const x of f.facts ?? []) if (x.kind === kind) return x as T;
  return undefined;
}

function osOf(files: ImageFile[]): { id: string; versionId?: string; name?: string } | undefined {
  const etc = files.find((f) => f.path === '/etc/os-release' && f.facts?.some((x) => x.kind === 'os-release'));
  const lib = files.find((f) => f.path === '/usr/lib/os-release' && f.facts?.some((x) => x.kind === 'os-release'));
  const fact = (etc ?? lib)?.facts?.find((x) => x.kind === 'os-release') as { id: string; versionId?: string; name?: string } | undefined;
  if (!fact) return undefined;
  const { id, versionId, name } = fact;
  return { id, ...(versionId ? { versionId } : {}), ...(name ? { name } : {}) };
}

/**
 * The user the image runs as. An empty User is root; a name is looked up in /etc/passwd (an
 * unknown name makes the runtime refuse to start, so it is not root either).
 */
export function effectiveUser(value: string, users: UserFact[] | undefined): Obj {
  return { ...resolveUser(value, users), text: value === '' ? 'no User set' : `User "${value}"` };
}

function resolveUser(value: string, users: UserFact[] | undefined): Obj {
  const who = value.split(':')[0]!.trim();
  if (who === '') return { value, name: 'root', uid: 0, root: true, explicit: false };
  if (/^\d+$/.test(who)) {
    const uid = Number(who);
    const u = users?.find((x) => x.uid === uid);
    return { value, name: u?.name ?? null, uid, root: uid === 0, explicit: true };
  }
  const u = users?.find((x) => x.name === who);
  if (u) return { value, name: u.name, uid: u.uid, root: u.uid === 0, explicit: true };
  return { value, name: who, uid: who === 'root' ? 0 : null, root: who === 'root', explicit: true };
}

function gpuVersions(files: ImageFile[], packages: ImagePackage[]): Obj {
  const rank = { 'version-file': 0, header: 1, package: 2, library: 3 } as const;
  const best: Record<string, { version: string; from: string; path: string } & { r: number }> = {};
  const offer = (lib: string, version: string, from: keyof typeof rank, path: string) => {
    const cur = best[lib];
    if (!cur || rank[from] < cur.r || (rank[from] === cur.r && path < cur.path)) best[lib] = { version, from, path, r: rank[from] };
  };
  for (const f of files) {
    for (const x of f.facts ?? []) if (x.kind === 'gpu-lib') offer(x.lib, x.version, x.from, f.path);
  }
  for (const p of packages) {
    const v = upstream(p.version);
    if (/^libcudnn\d*(-cuda-\d+)?$/.test(p.name) || /^nvidia-cudnn-cu\d+$/.test(p.name)) offer('cudnn', v, 'package', p.path);
    else if (/^libnccl\d*$/.test(p.name) || /^nvidia-nccl-cu\d+$/.test(p.name)) offer('nccl', v, 'package', p.path);
    else if (/^cuda-cudart-\d+-\d+$/.test(p.name) || /^nvidia-cuda-runtime-cu\d+$/.test(p.name)) offer('cuda', v, 'package', p.path);
  }
  const out: Obj = {};
  for (const lib of ['cuda', 'cudnn', 'nccl']) {
    const b = best[lib];
    out[lib] = b ? { version: b.version, from: b.from, path: b.path } : null;
  }
  return out;
}

const LISTEN_ROLES = new Set(['api', 'ui', 'dashboard', 'client', 'management', 'admin', 'gcs']);

/** Which AI server the image runs (rules.d/data/components.yaml), where it listens and whether auth is on. */
function imageComponent(
  tables: ImageTables,
  refs: string[],
  argv: string[],
  argvPointer: (i: number) => string,
  env: Obj[],
  exposed: Array<{ port: number; protocol: string }>,
): Obj | null {
  const table = componentTable(tables.raw);
  const envIdx = new Map(env.map((e) => [String(e.name), e]));
  const envPtr = (name: string) => `/config/Env/${envIdx.get(name)!.index}`;
  const keys = refs.map((r) => parseImageRef(r)).map((r) => `${r.registry}/${r.repository}`);
  const joined = argv.join(' ');
  let match: { row: (typeof table)[number]; by: string; pointer: string } | undefined;
  for (const row of table) {
    if (keys.some((k) => row.images.some((re) => re.test(k)))) {
      match = { row, by: 'image', pointer: '' };
      break;
    }
  }
  if (!match && joined) {
    for (const row of table) {
      const re = row.commands.find((r) => r.test(joined));
      if (!re) continue;
      const i = argv.findIndex((a) => re.test(a));
      match = { row, by: 'command', pointer: argvPointer(Math.max(i, 0)) };
      break;
    }
  }
  if (!match) {
    const row = table.find((t) => (t.row.env ?? []).some((n) => envIdx.has(n)));
    if (row) match = { row, by: 'env', pointer: envPtr(row.row.env!.find((n) => envIdx.has(n))!) };
  }
  if (!match) return null;
  const r = match.row.row;
  const flags = parseFlags(argvTokens(argv));

  let listensAll: boolean | null = r.listen ? r.listen.default === 'all' : null;
  let listenVia = r.listen ? `the ${r.name} default` : 'unknown';
  let listenPointer = match.pointer;
  for (const name of r.listen?.flags ?? []) {
    const f = flags.get(name);
    if (!f) continue;
    listensAll = f.value === true || !isLoopback(f.value);
    listenVia = f.value === true ? name : `${name} ${f.value}`;
    listenPointer = argvPointer(f.index);
  }
  for (const name of r.listen?.env ?? []) {
    const e = envIdx.get(name);
    if (!e) continue;
    listensAll = !isLoopback(String(e.value));
    listenVia = `${name}=${String(e.value)}`;
    listenPointer = envPtr(name);
  }

  const by: Obj[] = [];
  const disabledBy: Obj[] = [];
  for (const effect of ['enable', 'disable'] as const) {
    for (const s of r.auth?.[effect] ?? []) {
      const names = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      const value = s.value !== undefined ? new RegExp(s.value, 'i') : undefined;
      for (const n of names(s.flag)) {
        const f = flags.get(n);
        if (!f) continue;
        const v = f.value === true ? 'true' : f.value;
        if ((value && !value.test(v)) || (!value && v === '')) continue;
        (effect === 'enable' ? by : disabledBy).push({ kind: 'flag', name: n });
      }
      for (const n of names(s.env)) {
        const e = envIdx.get(n);
        if (!e) continue;
        const v = String(e.value);
        if ((value && !value.test(v)) || (!value && v === '')) continue;
        (effect === 'enable' ? by : disabledBy).push({ kind: 'env', name: n });
      }
    }
  }
  const authDefault = r.auth?.default ?? false;
  const enabled = by.length ? !disabledBy.length || !r.auth?.disable?.some((s) => s.wins) : disabledBy.length ? false : authDefault;
  const aiPorts = (r.ports ?? []).filter((p) => LISTEN_ROLES.has(p.role)).map((p) => p.port);
  const exposedAi = exposed.filter((p) => aiPorts.includes(p.port)).map((p) => `${p.port}/${p.protocol}`);
  return {
    id: r.id,
    name: r.name,
    class: r.class,
    matchedBy: match.by,
    pointer: listensAll ? listenPointer : match.pointer,
    listensAll,
    listenVia,
    exposedPorts: exposedAi,
    exposedText: exposedAi.join(', '),
    auth: { enabled, default: authDefault, by, disabledBy },
  };
}

const ECOSYSTEM: Record<string, string> = { deb: 'deb', apk: 'apk', pypi: 'pypi', npm: 'npm', conda: 'generic' };

function vulnerabilities(db: VulnerabilityDb, packages: ImagePackage[], image: ResolvedImage, cfg: Obj, envVars: Record<string, string>, argv: string[]): Obj[] {
  const out: Obj[] = [];
  const seen = new Set<string>();
  const ctx = { env: envVars, argv };
  for (const p of packages) {
    const product = db.productForPackage(ECOSYSTEM[p.ecosystem] ?? p.ecosystem, p.name) ?? (p.ecosystem === 'conda' ? db.productForPackage('pypi', p.name) : undefined);
    if (!product) continue;
    const version = p.ecosystem === 'deb' || p.ecosystem === 'apk' ? upstream(p.version) : p.version;
    const verdict = matchVulnerabilities(db, product.id, version, ctx);
    if (!verdict) continue;
    const key = `${product.id}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      product: product.id,
      name: product.name,
      package: p.name,
      ecosystem: p.ecosystem,
      version: p.version,
      cves: verdict.cves,
      cveList: verdict.cveList,
      summary: verdict.summary,
      severity: verdict.severity,
      fixed: verdict.fixed ?? 'no fixed release',
      path: p.path,
      layerDigest: p.layerDigest,
    });
  }
  // The image itself: its name and tag (`ollama/ollama:0.1.30`), or its version label.
  const labels = isObj(cfg.Labels) ? cfg.Labels : {};
  for (const r of image.refs) {
    const ref = parseImageRef(r);
    const product = db.productForImage(ref);
    if (!product) continue;
    const label = typeof labels['org.opencontainers.image.version'] === 'string' ? (labels['org.opencontainers.image.version'] as string) : undefined;
    const version = versionFromTag(product, ref.tag) ?? versionFromTag(product, label);
    if (!version || seen.has(`${product.id}@${version}`)) continue;
    const verdict = matchVulnerabilities(db, product.id, version, ctx);
    if (!verdict) continue;
    seen.add(`${product.id}@${version}`);
    out.push({
      product: product.id,
      name: product.name,
      package: r,
      ecosystem: 'image',
      version,
      cves: verdict.cves,
      cveList: verdict.cveList,
      summary: verdict.summary,
      severity: verdict.severity,
      fixed: verdict.fixed ?? 'no fixed release',
      path: '',
    });
  }
  return out;
}
