// Model supply-chain and AI credential facts (rules.d/data/{model-supply-chain,ai-tokens}.yaml):
// which Hub models a server loads and whether their revision is pinned, trust_remote_code,
// pickle-format model files, code fetched when a container starts, floating and insecure image
// references, model directories on host paths or writable volumes, AI tokens in env and
// credentials on the command line. Shapes are documented in docs/model.md ("Model supply chain").

import { getAt } from '../util/pointer.js';
import { trimEndWhile } from '../util/trim.js';
import { canonicalHostPath, type ContainerRecord, type ModelGraph, type PodRecord } from './build.js';
import type { AiTables } from './ai-tables.js';
import { containerTokens } from './components.js';
import { envOf } from './gpu-context.js';
import { apiGroup } from './tables.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const FETCH_ORDER = ['pipe-to-shell', 'runtime-env', 'package-install', 'git-clone', 'hub-download', 'model-pull'];

function argvOf(c: ContainerRecord): string[] {
  return Array.isArray(c.subject.data.argv) ? (c.subject.data.argv as string[]) : [];
}

function unquote(v: string): string {
  return v.replace(/^["']|["']$/g, '');
}

/** Option values from argv tokens: `--name value` and `--name=value` (every occurrence). */
function optionValues(tokens: ReadonlyArray<{ text: string; index: number }>, names: Set<string>): Array<{ name: string; value: string; index: number }> {
  const out: Array<{ name: string; value: string; index: number }> = [];
  tokens.forEach((t, i) => {
    const eq = t.text.indexOf('=');
    const name = eq > 0 ? t.text.slice(0, eq) : t.text;
    if (!names.has(name)) return;
    if (eq > 0) out.push({ name, value: unquote(t.text.slice(eq + 1)), index: t.index });
    else {
      const next = tokens[i + 1];
      if (next && !next.text.startsWith('-')) out.push({ name, value: unquote(next.text), index: next.index });
    }
  });
  return out;
}

export function enrichSupplyChain(graph: ModelGraph, t: AiTables): void {
  for (const c of graph.containers) {
    imageFacts(c, t);
    hubModels(c, t);
    trustRemoteCode(c, t);
    pickleRefs(c, t);
    fetches(c, t);
    modelMounts(c, t);
    aiTokens(graph, c, t);
    cliSecrets(graph, c, t);
  }
  runtimeEnvFetches(graph, t);
  for (const pod of graph.pods) modelHostPaths(pod, t);
  crdModelStorage(graph, t);
}

/** `image.floating` (a tag that moves), `image.insecure` (why the registry is unsafe), `image.untrusted` (outside the allow-list). */
function imageFacts(c: ContainerRecord, t: AiTables): void {
  const img = c.subject.data.image;
  if (!isObj(img) || img.templated) return;
  if (img.digest === undefined && (typeof img.tag !== 'string' || t.floatingTag(img.tag))) img.floating = true;
  const why = t.insecureRegistry(String(img.registry));
  if (why) img.insecure = why;
  if (t.trustedRegistries.length && !t.trustedRegistries.some((re) => re.test(String(img.registry)))) img.untrusted = true;
}

/** `hubModels: [{ id, via, revision, pinned }]`: Hub repositories the container loads. */
function hubModels(c: ContainerRecord, t: AiTables): void {
  const subject = c.subject;
  const argv = argvOf(c);
  const tokens = containerTokens(c);
  const env = envOf(c);
  const found: Array<{ id: string; via: string; revision: string | null; path: string }> = [];
  const add = (raw: string, via: string, path: string) => {
    let id = raw.trim();
    let revision: string | null = null;
    for (const p of t.hubUriPrefixes) if (id.startsWith(p)) id = id.slice(p.length);
    const rev = /^([^:@]+)[:@]([^/]+)$/.exec(id);
    if (rev && raw.includes('://')) {
      id = rev[1]!;
      revision = rev[2]!;
    }
    if (!t.hubId(id) || found.some((f) => f.id === id)) return;
    found.push({ id, via, revision, path });
  };
  for (const v of optionValues(tokens, t.hubModelFlags)) add(v.value, 'flag', `/argv/${v.index}`);
  tokens.forEach((tok, i) => {
    if (!t.hubServeCommands.some((re) => re.test(tok.text)) || tokens[i + 1]?.text !== 'serve') return;
    const model = tokens[i + 2];
    if (model && !model.text.startsWith('-')) add(model.text, 'argument', `/argv/${model.index}`);
  });
  for (const name of t.hubModelEnv) {
    const e = env.get(name);
    if (e?.value) add(e.value, 'env', e.path);
  }
  const uri = c.subject.data.storageUri;
  if (typeof uri === 'string' && t.hubUriPrefixes.some((p) => uri.startsWith(p))) add(uri, 'storageUri', '/storageUri');
  if (!found.length) return;

  let revision: string | null = null;
  const revFlag = optionValues(tokens, t.hubRevisionFlags)[0];
  if (revFlag) revision = revFlag.value;
  for (const name of t.hubRevisionEnv) {
    const e = env.get(name);
    if (revision === null && e?.value) revision = e.value;
  }
  subject.data.hubModels = found.map((f, i) => {
    subject.origin(`/hubModels/${i}`, subject.pointerFor(f.path));
    const rev = f.revision ?? revision;
    const pinned = rev !== null && t.pinnedRevision(rev);
    const revisionText = pinned ? `at commit ${rev}` : rev === null ? 'without a revision (whatever main holds at start)' : `at revision ${rev}, which can move`;
    return { id: f.id, via: f.via, revision: rev, pinned, revisionText };
  });
}

/** `trustRemoteCode: [{ via, text }]`: every place that turns trust_remote_code on. */
function trustRemoteCode(c: ContainerRecord, t: AiTables): void {
  const subject = c.subject;
  const hits: Array<{ via: string; text: string; path: string }> = [];
  argvOf(c).forEach((a, i) => {
    const m = t.trustRemoteCodeArgv.map((re) => re.exec(a)).find((x) => x);
    if (m) hits.push({ via: 'argv', text: m[0].trim(), path: `/argv/${i}` });
  });
  for (const [name, e] of envOf(c)) {
    if (t.trustRemoteCodeEnv.has(name) && e.value !== null && t.isTrue(e.value)) hits.push({ via: 'env', text: `${name}=${e.value}`, path: e.path });
  }
  if (!hits.length) return;
  subject.data.trustRemoteCode = hits.map((h, i) => {
    subject.origin(`/trustRemoteCode/${i}`, subject.pointerFor(h.path));
    return { via: h.via, text: h.text };
  });
}

/** `pickleRefs: [{ ref, why }]`: model files in a code-executing format, and unsafe loading switches. */
function pickleRefs(c: ContainerRecord, t: AiTables): void {
  const subject = c.subject;
  const refs: Array<{ ref: string; why: string; path: string }> = [];
  const seen = new Set<string>();
  const add = (ref: string, why: string, path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    refs.push({ ref, why, path });
  };
  const fileRef = (s: string) => (t.pickleFile ? t.pickleFile.test(s) : false);
  const argv = argvOf(c);
  // Markers may span items (`--load-format`, `pt`): match the joined command line and report
  // the item where the match ends.
  const joined = argv.join(' ');
  const ends: number[] = [];
  argv.reduce((off, a) => (ends.push(off + a.length), off + a.length + 1), 0);
  for (const re of t.unsafeLoadMarkers) {
    for (const m of joined.matchAll(re)) {
      const end = (m.index ?? 0) + m[0].length;
      const i = ends.findIndex((e) => end <= e);
      if (i >= 0) add(m[0].trim(), 'unsafe-load', `/argv/${i}`);
    }
  }
  for (const tok of containerTokens(c)) {
    const text = unquote(tok.text.includes('=') && !tok.text.includes('://') ? tok.text.slice(tok.text.lastIndexOf('=') + 1) : tok.text);
    if (fileRef(text)) add(text, 'format', `/argv/${tok.index}`);
  }
  for (const [, e] of envOf(c)) if (e.value && fileRef(e.value.trim())) add(e.value.trim(), 'format', e.path);
  const uri = c.subject.data.storageUri;
  if (typeof uri === 'string' && fileRef(uri)) add(uri, 'format', '/storageUri');
  if (!refs.length) return;
  subject.data.pickleRefs = refs.map((r, i) => {
    subject.origin(`/pickleRefs/${i}`, subject.pointerFor(r.path));
    return { ref: r.ref, why: r.why, whyText: r.why === 'format' ? 'a pickle-based format' : 'an unsafe loading switch' };
  });
}

/** `fetches: [{ kind, what }]`: one per argv item that downloads code or models when the container starts. */
function fetches(c: ContainerRecord, t: AiTables): void {
  const out: Array<{ kinds: string[]; whats: string[]; path: string }> = [];
  argvOf(c).forEach((a, i) => {
    const rows = t.fetchCommands.filter((r) => r.kind !== 'runtime-env' && r.re.test(a));
    if (rows.length) out.push({ kinds: rows.map((r) => r.kind), whats: rows.map((r) => r.what ?? r.kind), path: `/argv/${i}` });
  });
  addFetches(c, out);
}

function addFetches(c: ContainerRecord, found: Array<{ kinds: string[]; whats: string[]; path: string; pointer?: string }>): void {
  if (!found.length) return;
  const subject = c.subject;
  const list = Array.isArray(subject.data.fetches) ? (subject.data.fetches as Obj[]) : [];
  for (const f of found) {
    const kind = [...f.kinds].sort((a, b) => FETCH_ORDER.indexOf(a) - FETCH_ORDER.indexOf(b))[0]!;
    subject.origin(`/fetches/${list.length}`, f.pointer ?? subject.pointerFor(f.path));
    list.push({ kind, kinds: [...new Set(f.kinds)], what: [...new Set(f.whats)].join(', ') });
  }
  subject.data.fetches = list;
}

/** Ray runtime_env (RayJob runtimeEnvYAML, RayService serveConfigV2): reported on the head's first container. */
function runtimeEnvFetches(graph: ModelGraph, t: AiTables): void {
  for (const w of graph.workloads) {
    const group = apiGroup(w.ref.apiVersion ?? '');
    for (const field of t.runtimeEnvFields) {
      if (field.kind !== w.ref.kind || !field.groups.includes(group)) continue;
      const text = getAt(w.object, field.path);
      if (typeof text !== 'string') continue;
      const rows = t.fetchCommands.filter((r) => r.re.test(text));
      if (!rows.length) continue;
      const head = w.pods.find((p) => p.template.role === field.role)?.containers.find((c) => c.instance.kind === 'container');
      if (!head) continue;
      addFetches(head, [{ kinds: rows.map((r) => r.kind), whats: rows.map((r) => r.what ?? r.kind), path: '', pointer: field.path }]);
    }
  }
}

/** `mounts[].modelDir`: the mount holds models (a known model path, or the directory a model env variable names). */
function modelMounts(c: ContainerRecord, t: AiTables): void {
  const mounts = c.subject.data.mounts;
  if (!Array.isArray(mounts)) return;
  const env = envOf(c);
  const dirs = t.modelDirEnv.map((n) => env.get(n)?.value).filter((v): v is string => typeof v === 'string' && v.startsWith('/'));
  for (const m of mounts) {
    if (!isObj(m) || typeof m.mountPath !== 'string') continue;
    const p = canonicalHostPath(m.mountPath);
    const byEnv = dirs.some((d) => {
      const dir = canonicalHostPath(d);
      return dir === p || dir.startsWith(`${p}/`);
    });
    if (byEnv || t.modelMountPaths.some((re) => re.test(p))) m.modelDir = true;
  }
}

/** Pod volumes: `hostPath.modelDir` and `hostPath.mountedWritable` (a container mounts it without readOnly). */
function modelHostPaths(pod: PodRecord, t: AiTables): void {
  const volumes = pod.subject.data.volumes;
  if (!Array.isArray(volumes)) return;
  for (const v of volumes) {
    if (!isObj(v) || !isObj(v.hostPath)) continue;
    const hp = v.hostPath;
    const canonical = hp.canonicalPath;
    if (typeof canonical !== 'string' || !t.modelHostPaths.some((re) => re.test(canonical))) continue;
    hp.modelDir = true;
    hp.mountedWritable = pod.containers.some((c) => {
      const mounts = c.instance.value.volumeMounts;
      return Array.isArray(mounts) && mounts.some((m) => isObj(m) && m.name === v.name && m.readOnly !== true);
    });
    hp.access = hp.mountedWritable ? 'writable' : 'read-only';
  }
}

/** Model storage a custom resource declares (NIMService spec.storage.hostPath) becomes a pod volume. */
function crdModelStorage(graph: ModelGraph, t: AiTables): void {
  for (const w of graph.workloads) {
    const group = apiGroup(w.ref.apiVersion ?? '');
    const row = t.crdModelStorage.find((r) => r.kind === w.ref.kind && r.groups.includes(group));
    if (!row) continue;
    const path = getAt(w.object, row.hostPath);
    if (typeof path !== 'string' || path.trim() === '') continue;
    const readOnly = row.readOnly ? getAt(w.object, row.readOnly) === true : false;
    const canonical = canonicalHostPath(path);
    for (const pod of w.pods) {
      const data = pod.subject.data;
      const volumes = Array.isArray(data.volumes) ? (data.volumes as unknown[]) : [];
      const i = volumes.length;
      // The operator caches the model there, whatever the path is called.
      const hostPath: Obj = { path, canonicalPath: canonical, modelDir: true, mountedWritable: !readOnly, access: readOnly ? 'read-only' : 'writable' };
      volumes.push({ name: 'model-store', hostPath });
      data.volumes = volumes;
      pod.subject.origin(`/volumes/${i}`, row.hostPath.slice(0, row.hostPath.lastIndexOf('/')) || row.hostPath);
      pod.subject.origin(`/volumes/${i}/hostPath`, row.hostPath);
      pod.subject.origin(`/volumes/${i}/hostPath/path`, row.hostPath);
      pod.subject.origin(`/volumes/${i}/hostPath/canonicalPath`, row.hostPath);
    }
  }
}

/** `env[].aiToken`: the entry holds an AI provider, hub or server credential (by name or by value shape). */
function aiTokens(graph: ModelGraph, c: ContainerRecord, t: AiTables): void {
  const env = c.subject.data.env;
  if (!Array.isArray(env)) return;
  for (const e of env) {
    if (!isObj(e) || e.secretValue !== true || typeof e.value !== 'string') continue;
    const kind = typeof e.tokenKind === 'string' && t.aiTokenKinds.has(e.tokenKind) ? e.tokenKind : undefined;
    if (kind) e.aiToken = kind;
    else if (t.aiTokenName(String(e.name))) e.aiToken = 'name';
    if (e.aiToken) graph.secrets.add(e.value);
  }
}

/** `cliSecrets: [{ flag }]`: credentials written on the command line. */
function cliSecrets(graph: ModelGraph, c: ContainerRecord, t: AiTables): void {
  const subject = c.subject;
  const argv = argvOf(c);
  const found: Array<{ flag: string; value: string; path: string }> = [];
  for (const v of optionValues(containerTokens(c), t.cliSecretFlags)) {
    if (!t.notSecretValue(v.value)) found.push({ flag: v.name, value: v.value, path: `/argv/${v.index}` });
  }
  argv.forEach((a, i) => {
    for (const re of t.cliSecretCommands) {
      const m = re.exec(a);
      // Named by the command up to the credential: `huggingface-cli login --token`.
      const flag = m?.[1] ? trimEndWhile(m[0].slice(0, m[0].lastIndexOf(m[1])), (ch) => /[\s="']/.test(ch)) : '';
      if (m?.[1] && !t.notSecretValue(m[1])) found.push({ flag, value: m[1], path: `/argv/${i}` });
    }
  });
  const seen = new Set<string>();
  const list = found.filter((f) => !seen.has(f.path) && seen.add(f.path));
  if (!list.length) return;
  subject.data.cliSecrets = list.map((f, i) => {
    graph.secrets.add(f.value);
    subject.origin(`/cliSecrets/${i}`, subject.pointerFor(f.path));
    return { flag: f.flag };
  });
}
