// AI component fingerprints: gives every container its `component` (which AI server it runs,
// its version, ports, bind address and authentication state), plus `flags` (parsed command-line
// options) and `envVars` (effective environment), computed once from rules.d/data/components.yaml.
// The shape is documented at the top of that file and in docs/model.md.

import semver from 'semver';
import { tableRows, type DataTables } from '../rules/data.js';
import { escapeSegment, existingPrefix, getAt } from '../util/pointer.js';
import type { ContainerRecord, ModelGraph, ObjectRecord, PodRecord } from './build.js';
import { locationOf } from './subject.js';
import { apiGroup } from './tables.js';
import type { Location } from './types.js';

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// The table

type Names = string | string[];

export interface SwitchRow {
  flag?: Names;
  env?: Names;
  config?: string;
  argv?: string;
  object?: Names;
  value?: string;
  wins?: boolean;
  secret?: boolean;
}

export type PortRole = 'api' | 'ui' | 'dashboard' | 'client' | 'gcs' | 'management' | 'metrics' | 'control' | 'admin';

export interface ComponentRow {
  id: string;
  name: string;
  class: string;
  images?: string[];
  commands?: string[];
  env?: string[];
  owners?: Array<{ kind: string; group?: string; roles?: string[] }>;
  ports?: Array<{ port: number; role: PortRole; optional?: boolean }>;
  listen?: { default: 'all' | 'loopback'; flags?: string[]; env?: string[] };
  version?: { pattern: string };
  settings?: Array<SwitchRow & { name: string }>;
  auth?: {
    default: boolean;
    defaultBefore?: { version: string; value: boolean };
    unavailable?: string;
    from?: string;
    enable?: SwitchRow[];
    disable?: SwitchRow[];
  };
}

interface CompiledSwitch {
  row: SwitchRow;
  effect: 'enable' | 'disable';
  /** The flag or environment variable names the switch reads. */
  names: string[];
  value?: RegExp;
  config?: RegExp;
  argv?: RegExp;
}

const list = (n: Names | undefined): string[] => (n === undefined ? [] : Array.isArray(n) ? n : [n]);

function compileSwitch(s: SwitchRow, effect: 'enable' | 'disable'): CompiledSwitch {
  return {
    row: s,
    effect,
    names: [...list(s.flag), ...list(s.env)],
    value: s.value !== undefined ? new RegExp(s.value, 'i') : undefined,
    config: s.config !== undefined ? new RegExp(s.config, 'im') : undefined,
    argv: s.argv !== undefined ? new RegExp(s.argv) : undefined,
  };
}

interface CompiledComponent {
  row: ComponentRow;
  images: RegExp[];
  commands: RegExp[];
  version: RegExp;
  switches: CompiledSwitch[];
  settings: Array<{ name: string; sw: CompiledSwitch }>;
}

const DEFAULT_VERSION = /^v?(\d+(?:\.\d+)+)/;
const cache = new WeakMap<DataTables, CompiledComponent[]>();

export function componentTable(tables: DataTables): CompiledComponent[] {
  const known = cache.get(tables);
  if (known) return known;
  const compiled = tableRows<ComponentRow>(tables, 'components', 'components').map((row) => {
    const switches: CompiledSwitch[] = [];
    for (const effect of ['enable', 'disable'] as const) {
      for (const s of row.auth?.[effect] ?? []) switches.push(compileSwitch(s, effect));
    }
    const settings = (row.settings ?? []).map((s) => ({ name: s.name, sw: compileSwitch(s, 'enable') }));
    return {
      row,
      images: (row.images ?? []).map((p) => new RegExp(p, 'i')),
      commands: (row.commands ?? []).map((p) => new RegExp(p)),
      version: row.version ? new RegExp(row.version.pattern) : DEFAULT_VERSION,
      switches,
      settings,
    };
  });
  cache.set(tables, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// ConfigMaps and Secrets in the scan (env sources, mounted config files)

const MAX_DECODED = 1 << 20;

export interface ConfigSource {
  record: ObjectRecord;
  kind: 'ConfigMap' | 'Secret';
  /** key → text (Secret `data` decoded from base64). */
  data: Map<string, { text: string; pointer: string }>;
}

const sourceCache = new WeakMap<ModelGraph, Map<string, ConfigSource>>();

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** ConfigMaps and Secrets by `Kind/namespace/name`. */
export function configSources(graph: ModelGraph): Map<string, ConfigSource> {
  const known = sourceCache.get(graph);
  if (known) return known;
  const out = new Map<string, ConfigSource>();
  for (const kind of ['ConfigMap', 'Secret'] as const) {
    for (const rec of graph.byKind.get(kind) ?? []) {
      if (apiGroup(rec.ref.apiVersion ?? '') !== '') continue;
      const data = new Map<string, { text: string; pointer: string }>();
      const plain = isObj(rec.object.data) ? rec.object.data : {};
      for (const [k, v] of Object.entries(plain)) {
        if (v === null || v === undefined) continue;
        let text = String(v);
        if (kind === 'Secret') text = decodeBase64(text);
        data.set(k, { text, pointer: `/data/${escapeSegment(k)}` });
      }
      if (kind === 'Secret' && isObj(rec.object.stringData)) {
        for (const [k, v] of Object.entries(rec.object.stringData)) {
          if (v !== null && v !== undefined) data.set(k, { text: String(v), pointer: `/stringData/${escapeSegment(k)}` });
        }
      }
      out.set(`${kind}/${rec.namespace}/${rec.ref.name ?? ''}`, { record: rec, kind, data });
    }
  }
  sourceCache.set(graph, out);
  return out;
}

function decodeBase64(text: string): string {
  const clean = text.replace(/\s+/g, '');
  if (clean.length > MAX_DECODED * 2 || !/^[A-Za-z0-9+/=_-]*$/.test(clean)) return '';
  return Buffer.from(clean, 'base64').toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Command lines

interface Token {
  text: string;
  /** Index of the argv item the token came from. */
  index: number;
}

const SHELLS = /(^|\/)(ba|da|z|a)?sh$/;
const SHELL_OPERATORS = new Set(['&&', '||', ';', '|', '&', '(', ')']);

/** Split a shell script into words (quotes and backslashes honoured; operators are their own words). */
export function shellWords(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < script.length) cur += script[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < script.length) {
      cur += script[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else if (ch === ';' || ch === '|' || ch === '&') {
      if (has) out.push(cur);
      let op = ch;
      if ((ch === '&' || ch === '|') && script[i + 1] === ch) op += script[++i];
      out.push(op);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** argv → tokens: a script passed to `sh -c` is split into its words. */
export function argvTokens(argv: string[]): Token[] {
  const out: Token[] = [];
  const isScript = (i: number) => /^-[a-z]*c$/.test(argv[i - 1] ?? '') && argv.slice(0, i - 1).some((a) => SHELLS.test(a));
  argv.forEach((item, index) => {
    // The shell's own `-c` is not an option of the program the script runs.
    if (isScript(index + 1)) return;
    const shellScript = isScript(index);
    if (shellScript || (argv.length === 1 && /\s/.test(item))) {
      for (const w of shellWords(item)) out.push({ text: w, index });
    } else out.push({ text: item, index });
  });
  return out;
}

/** `argvTokens` of a container's `argv`, worked out once (the components and supply-chain enrichers share it). */
export function containerTokens(c: ContainerRecord): readonly Token[] {
  const argv = c.subject.data.argv;
  const known = c.cache.tokens as { argv: unknown; tokens: readonly Token[] } | undefined;
  if (known && known.argv === argv) return known.tokens;
  const tokens = argvTokens(Array.isArray(argv) ? (argv as string[]) : []);
  c.cache.tokens = { argv, tokens };
  return tokens;
}

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0] ? v.slice(1, -1) : v;
}

/** `--name=value`, `--name value`, bare `--name` (true); the last occurrence wins, as with argparse. */
export function parseFlags(tokens: readonly Token[]): Map<string, { value: string | true; index: number }> {
  const out = new Map<string, { value: string | true; index: number }>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (!/^--?[A-Za-z]/.test(t)) continue;
    const eq = t.indexOf('=');
    if (eq > 0) {
      out.set(t.slice(0, eq), { value: unquote(t.slice(eq + 1)), index: tokens[i]!.index });
      continue;
    }
    const next = tokens[i + 1];
    if (next && !next.text.startsWith('-') && !SHELL_OPERATORS.has(next.text)) {
      out.set(t, { value: unquote(next.text), index: tokens[i]!.index });
      i++;
    } else out.set(t, { value: true, index: tokens[i]!.index });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The enricher

export interface SwitchHit {
  kind: 'flag' | 'env' | 'config' | 'argv' | 'object';
  name: string;
  value?: string;
}

interface Hit extends SwitchHit {
  pointer: string;
  effect: 'enable' | 'disable';
  wins: boolean;
  related?: Location;
}

interface EnvEntry {
  value: string | null;
  pointer: string;
  related?: Location;
}

/** Per-container context the exposure enricher reuses. */
export interface ContainerFacts {
  componentPointer: string;
  related: Map<string, () => Location[]>;
  /** installRelated has hooked `related` into the subject. */
  installed?: boolean;
}

export function containerFacts(c: ContainerRecord): ContainerFacts | undefined {
  return c.cache.facts as ContainerFacts | undefined;
}

/** Sets `component`, `flags` and `envVars` on every container, and `components` on every pod. */
export function enrichComponents(graph: ModelGraph): void {
  const table = componentTable(graph.tables.raw);
  const sources = configSources(graph);
  const pending: Array<[ContainerRecord, CompiledComponent]> = [];
  for (const c of graph.containers) {
    const row = enrichContainer(graph, c, table, sources);
    if (row?.row.auth?.from) pending.push([c, row]);
  }
  for (const [c, row] of pending) inheritAuth(graph, c, row.row.auth!.from!);
  for (const pod of graph.pods) summarisePod(pod);
}

function fieldPointer(c: ContainerRecord, field: string): string {
  return c.instance.origins?.[`/${field}`] ?? `${c.instance.pointer}/${field}`;
}

function enrichContainer(graph: ModelGraph, c: ContainerRecord, table: CompiledComponent[], sources: Map<string, ConfigSource>): CompiledComponent | undefined {
  const subject = c.subject;
  const data = subject.data;
  const value = c.instance.value;
  const related = new Map<string, () => Location[]>();
  c.cache.facts = { componentPointer: c.instance.pointer, related } satisfies ContainerFacts;
  const argv = Array.isArray(data.argv) ? (data.argv as string[]) : [];
  const argvPtr = (i: number) => subject.pointerFor(`/argv/${i}`);

  // Flags
  const parsed = parseFlags(containerTokens(c));
  const flags: Obj = {};
  for (const [name, f] of parsed) {
    flags[name] = f.value;
    subject.origin(`/flags/${escapeSegment(name)}`, argvPtr(f.index));
  }
  data.flags = flags;

  // Environment: envFrom first, then env (which wins, as in the kubelet).
  const env = new Map<string, EnvEntry>();
  const unresolved: string[] = [];
  const ns = c.pod.namespace;
  if (Array.isArray(value.envFrom)) {
    const base = fieldPointer(c, 'envFrom');
    (value.envFrom as unknown[]).forEach((ef, i) => {
      if (!isObj(ef)) return;
      const ref = isObj(ef.configMapRef) ? ['ConfigMap', ef.configMapRef] : isObj(ef.secretRef) ? ['Secret', ef.secretRef] : undefined;
      if (!ref) return;
      const [kind, r] = ref as [string, Obj];
      const src = sources.get(`${kind}/${ns}/${String(r.name ?? '')}`);
      if (!src) {
        unresolved.push(`${kind}/${String(r.name ?? '')}`);
        return;
      }
      const prefix = typeof ef.prefix === 'string' ? ef.prefix : '';
      for (const [k, v] of src.data) {
        env.set(prefix + k, { value: v.text, pointer: `${base}/${i}`, related: locationOf(src.record.doc, v.pointer, src.record.ref) });
      }
    });
  }
  if (Array.isArray(value.env)) {
    const base = fieldPointer(c, 'env');
    (value.env as unknown[]).forEach((e, i) => {
      if (!isObj(e) || typeof e.name !== 'string') return;
      if (e.valueFrom === undefined) {
        env.set(e.name, { value: e.value === undefined || e.value === null ? '' : String(e.value), pointer: `${base}/${i}/value` });
        if (e.value === undefined) env.get(e.name)!.pointer = `${base}/${i}`;
        return;
      }
      const vf = isObj(e.valueFrom) ? e.valueFrom : {};
      const keyRef = isObj(vf.configMapKeyRef) ? ['ConfigMap', vf.configMapKeyRef] : isObj(vf.secretKeyRef) ? ['Secret', vf.secretKeyRef] : undefined;
      let resolved: EnvEntry = { value: null, pointer: `${base}/${i}/valueFrom` };
      if (keyRef) {
        const [kind, r] = keyRef as [string, Obj];
        const src = sources.get(`${kind}/${ns}/${String(r.name ?? '')}`);
        const item = src?.data.get(String(r.key ?? ''));
        if (src && item) resolved = { value: item.text, pointer: resolved.pointer, related: locationOf(src.record.doc, item.pointer, src.record.ref) };
      }
      env.set(e.name, resolved);
    });
  }
  const envVars: Obj = {};
  for (const [name, e] of env) {
    envVars[name] = e.value;
    const path = `/envVars/${escapeSegment(name)}`;
    subject.origin(path, e.pointer);
    if (e.related) {
      const loc = e.related;
      related.set(path, () => [{ ...loc, message: `value of ${name}` }]);
    }
  }
  data.envVars = envVars;

  // Which component?
  const image = isObj(data.image) ? (data.image as { registry?: string; repository?: string; tag?: string; templated?: boolean }) : undefined;
  const imageKey = image ? `${image.registry}/${image.repository}` : '';
  const joined = argv.join(' ');
  const workloadKind = c.pod.workload.ref.kind ?? '';
  const workloadGroup = apiGroup(c.pod.workload.ref.apiVersion ?? '');
  const role = c.pod.template.role;
  let match: { row: CompiledComponent; by: 'image' | 'command' | 'env' | 'owner'; pointer: string } | undefined;
  // The command says what runs: an image's component wins unless the command line names only
  // other components (a vLLM image started as a Ray worker is a Ray worker).
  const byCommand = joined ? remember(matchCache(table).byCommand, joined, () => table.filter((t) => t.commands.some((r) => r.test(joined)))) : [];
  const byImage = image && !image.templated ? remember(matchCache(table).byImage, imageKey, () => table.find((t) => t.images.some((re) => re.test(imageKey)))) : undefined;
  if (byImage && (byCommand.length === 0 || byCommand.includes(byImage))) {
    match = { row: byImage, by: 'image', pointer: subject.pointerFor('/image') };
  } else if (byCommand.length) {
    const row = byCommand[0]!;
    const re = row.commands.find((r) => r.test(joined))!;
    const idx = argv.findIndex((a) => re.test(a));
    match = { row, by: 'command', pointer: argvPtr(idx >= 0 ? idx : 0) };
  }
  if (!match) {
    const row = table.find((t) => (t.row.env ?? []).some((n) => env.has(n)));
    if (row) match = { row, by: 'env', pointer: env.get(row.row.env!.find((n) => env.has(n))!)!.pointer };
  }
  if (!match) {
    const row = table.find((t) =>
      (t.row.owners ?? []).some((o) => o.kind === workloadKind && (o.group === undefined || o.group === workloadGroup) && (!o.roles || (role !== undefined && o.roles.includes(role)))),
    );
    if (row) match = { row, by: 'owner', pointer: c.instance.pointer };
  }

  if (!match) {
    data.component = null;
    return undefined;
  }
  const { row } = match;
  const r = row.row;
  containerFacts(c)!.componentPointer = match.pointer;

  let version: string | null = null;
  if (match.by === 'image' && image?.tag) {
    const m = row.version.exec(image.tag);
    if (m?.[1]) version = m[1];
  }

  // Ports: declared containerPorts, with the table's role; then the table's default ports.
  const ports: Obj[] = [];
  const roleOf = (port: number): PortRole | null => r.ports?.find((p) => p.port === port)?.role ?? null;
  if (Array.isArray(value.ports)) {
    (value.ports as unknown[]).forEach((p, i) => {
      if (!isObj(p)) return;
      const port = Number(p.containerPort);
      if (!Number.isInteger(port)) return;
      const entry: Obj = { port, role: roleOf(port), declared: true };
      if (typeof p.name === 'string') entry.name = p.name;
      subject.origin(`/component/ports/${ports.length}`, `${fieldPointer(c, 'ports')}/${i}`);
      ports.push(entry);
    });
  }
  const portFlag = parsed.get('--port');
  if (portFlag && typeof portFlag.value === 'string' && /^\d+$/.test(portFlag.value)) {
    const port = Number(portFlag.value);
    if (!ports.some((p) => p.port === port)) {
      subject.origin(`/component/ports/${ports.length}`, argvPtr(portFlag.index));
      ports.push({ port, role: r.ports?.find((p) => !p.optional)?.role ?? 'api', declared: false });
    }
  }
  for (const p of r.ports ?? []) {
    if (p.optional || ports.some((q) => q.port === p.port)) continue;
    subject.origin(`/component/ports/${ports.length}`, match.pointer);
    ports.push({ port: p.port, role: p.role, declared: false });
  }

  // Bind address
  let listensAll: boolean | null = r.listen ? r.listen.default === 'all' : null;
  let listenPointer = match.pointer;
  for (const name of r.listen?.flags ?? []) {
    const f = parsed.get(name);
    if (!f) continue;
    listensAll = f.value === true || !isLoopback(f.value);
    listenPointer = argvPtr(f.index);
  }
  for (const name of r.listen?.env ?? []) {
    const e = env.get(name);
    if (!e || e.value === null) continue;
    listensAll = !isLoopback(e.value);
    listenPointer = e.pointer;
  }

  let configs: { texts: ConfigText[]; unresolved: string[] } | undefined;
  const ctx: SwitchContext = {
    graph,
    c,
    argv,
    parsed,
    argvPtr,
    env,
    configs: () => (configs ??= podConfigTexts(c, sources)),
    ownerKind: (r.owners ?? []).some((o) => o.kind === workloadKind && (o.group === undefined || o.group === workloadGroup)),
  };
  const auth = evaluateAuth(row, ctx, version, unresolved);

  // Named settings (risky options rules look for): the first switch that matches each name.
  const settings: Obj = {};
  for (const st of row.settings) {
    if (settings[st.name] !== undefined) continue;
    const m = matchSwitch(st.sw, ctx, true);
    const h = m.hits[0];
    if (!h) continue;
    const out: SwitchHit = { kind: h.kind, name: h.name };
    if (h.value !== undefined) out.value = h.value;
    settings[st.name] = out;
    const path = `/component/settings/${escapeSegment(st.name)}`;
    subject.origin(path, h.pointer);
    if (h.related) {
      const loc = h.related;
      related.set(path, () => [{ ...loc, message: `setting in ${h.name}` }]);
    }
  }
  const component: Obj = {
    id: r.id,
    name: r.name,
    class: r.class,
    matchedBy: match.by,
    version,
    ports,
    listensAll,
    auth: auth.value,
    settings,
  };
  data.component = component;
  subject.origin('/component', match.pointer);
  subject.origin('/component/version', image ? subject.pointerFor('/image') : match.pointer);
  subject.origin('/component/listensAll', listenPointer);
  subject.origin('/component/auth', match.pointer);
  subject.origin('/component/auth/enabled', auth.pointer ?? match.pointer);
  for (const h of auth.hits) {
    const path = `/component/auth/${h.effect === 'enable' ? 'by' : 'disabledBy'}/${auth.index.get(h)!}`;
    subject.origin(path, h.pointer);
    if (!h.related) continue;
    const loc = h.related;
    const show = () => [{ ...loc, message: `${h.kind === 'config' ? 'setting in' : 'value from'} ${h.name}` }];
    related.set(path, show);
    if (h === auth.decisive) related.set('/component/auth/enabled', show);
  }
  installRelated(c);
  return row;
}

// Images and command lines repeat (replicas, every admission review): the table's answer for
// each is remembered, up to a bound.
const matches = new WeakMap<CompiledComponent[], { byImage: Map<string, CompiledComponent | undefined>; byCommand: Map<string, CompiledComponent[]> }>();

function matchCache(table: CompiledComponent[]) {
  let m = matches.get(table);
  if (!m) matches.set(table, (m = { byImage: new Map(), byCommand: new Map() }));
  return m;
}

function remember<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key)!;
  const value = compute();
  if (key.length > 1024) return value;
  if (cache.size >= 4096) cache.clear();
  cache.set(key, value);
  return value;
}

/** Whether a listen address (`host`, `host:port`, `[v6]:port`, a URL) is loopback only. */
export function isLoopback(value: string): boolean {
  let host = value.trim().replace(/^[a-z]+:\/\//i, '');
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']') > 0 ? host.indexOf(']') : undefined);
  else if ((host.match(/:/g) ?? []).length === 1) host = host.slice(0, host.indexOf(':'));
  host = host.replace(/\/.*$/, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

interface AuthResult {
  value: Obj;
  pointer?: string;
  decisive?: Hit;
  hits: Hit[];
  index: Map<Hit, number>;
}

interface SwitchContext {
  graph: ModelGraph;
  c: ContainerRecord;
  argv: string[];
  parsed: Map<string, { value: string | true; index: number }>;
  argvPtr: (i: number) => string;
  env: Map<string, EnvEntry>;
  configs: () => { texts: ConfigText[]; unresolved: string[] };
  /** The pod's owner is one of the component's `owners` kinds (object switches apply). */
  ownerKind: boolean;
}

/**
 * Where a switch is set in this container. `cautious`: a value we cannot read (a reference
 * outside the scan) never counts when the switch needs a particular value — it may enable auth,
 * but cannot be shown to disable it or to turn a setting on.
 */
function matchSwitch(s: CompiledSwitch, ctx: SwitchContext, cautious: boolean): { hits: Omit<Hit, 'effect' | 'wins'>[]; anchor?: string } {
  const hits: Omit<Hit, 'effect' | 'wins'>[] = [];
  let anchor: string | undefined;
  if (s.row.flag !== undefined) {
    for (const name of list(s.row.flag)) {
      const f = ctx.parsed.get(name);
      if (!f) continue;
      const v = f.value === true ? 'true' : f.value;
      if (s.value && !s.value.test(v)) continue;
      if (!s.value && v === '') continue;
      // `$(VAR)` is a reference to the environment, not the secret itself.
      if (s.row.secret && f.value !== true && v.length >= 4 && !v.includes('$(')) ctx.graph.secrets.add(v);
      hits.push({ kind: 'flag', name, ...(s.row.secret ? {} : { value: v }), pointer: ctx.argvPtr(f.index) });
    }
  } else if (s.row.env !== undefined) {
    for (const name of list(s.row.env)) {
      const e = ctx.env.get(name);
      if (!e) continue;
      if (e.value === null) {
        if (cautious && s.value) continue;
      } else {
        if (s.value && !s.value.test(e.value)) continue;
        if (!s.value && e.value === '') continue;
        if (s.row.secret && e.value.length >= 4) ctx.graph.secrets.add(e.value);
      }
      hits.push({ kind: 'env', name, ...(s.row.secret || e.value === null ? {} : { value: e.value }), pointer: e.pointer, related: e.related });
    }
  } else if (s.config) {
    for (const t of ctx.configs().texts) {
      if (!s.config.test(t.text)) continue;
      hits.push({ kind: 'config', name: t.name, pointer: t.pointer, related: t.related });
      break;
    }
  } else if (s.argv) {
    const i = ctx.argv.findIndex((a) => s.argv!.test(a));
    if (i >= 0) hits.push({ kind: 'argv', name: ctx.argv[i]!.length > 60 ? `${ctx.argv[i]!.slice(0, 59)}…` : ctx.argv[i]!, pointer: ctx.argvPtr(i) });
  } else if (s.row.object !== undefined && ctx.ownerKind) {
    const obj = ctx.c.pod.workload.object;
    for (const p of list(s.row.object)) {
      const v = getAt(obj, p);
      if (v === undefined || v === null) {
        const a = existingPrefix(obj, p);
        if (a.split('/').length > (anchor?.split('/').length ?? 0)) anchor = a;
        continue;
      }
      if (s.value && !s.value.test(String(v))) continue;
      hits.push({ kind: 'object', name: p, value: String(v), pointer: p });
    }
  }
  return { hits, anchor };
}

function evaluateAuth(row: CompiledComponent, ctx: SwitchContext, version: string | null, unresolved: string[]): AuthResult {
  const spec = row.row.auth;
  const hits: Hit[] = [];
  let objectAnchor: string | undefined;
  for (const s of row.switches) {
    const m = matchSwitch(s, ctx, s.effect === 'disable');
    for (const h of m.hits) hits.push({ ...h, effect: s.effect, wins: s.row.wins === true });
    if (m.anchor && m.anchor.split('/').length > (objectAnchor?.split('/').length ?? 0)) objectAnchor = m.anchor;
  }

  let def = spec?.default ?? false;
  if (spec?.defaultBefore && version) {
    const v = semver.coerce(version);
    if (v && semver.lt(v, semver.coerce(spec.defaultBefore.version) ?? v)) def = spec.defaultBefore.value;
  }
  const coerced = version ? semver.coerce(version) : null;
  const unavailable = !!(spec?.unavailable && coerced && semver.satisfies(coerced, spec.unavailable));
  const winner = hits.find((h) => h.wins);
  const decisive = unavailable ? undefined : (winner ?? hits.find((h) => h.effect === 'enable') ?? hits.find((h) => h.effect === 'disable'));
  let enabled: boolean | null;
  let pointer: string | undefined;
  const configUnresolved = row.switches.some((s) => s.config) ? ctx.configs().unresolved : [];
  if (unavailable) {
    enabled = false;
  } else if (decisive) {
    enabled = decisive.effect === 'enable';
    pointer = decisive.pointer;
  } else {
    enabled = spec ? def : null;
    pointer = objectAnchor;
    // Auth may be switched on where we cannot see: an env source or config file outside the scan.
    const enablesEnv = row.switches.some((s) => s.effect === 'enable' && s.row.env !== undefined);
    const enablesConfig = row.switches.some((s) => s.effect === 'enable' && s.config);
    if (enabled === false && ((enablesEnv && unresolved.length) || (enablesConfig && configUnresolved.length))) enabled = null;
  }
  const index = new Map<Hit, number>();
  const by: SwitchHit[] = [];
  const disabledBy: SwitchHit[] = [];
  for (const h of hits) {
    const target = h.effect === 'enable' ? by : disabledBy;
    index.set(h, target.length);
    const out: SwitchHit = { kind: h.kind, name: h.name };
    if (h.value !== undefined) out.value = h.value;
    target.push(out);
  }
  const value: Obj = {
    enabled,
    default: spec ? def : null,
    canEnable: row.switches.some((s) => s.effect === 'enable') && !unavailable,
    by,
    disabledBy,
    unresolved: [...unresolved, ...configUnresolved],
  };
  if (unavailable) value.unavailable = true;
  return { value, pointer, decisive, hits, index };
}

interface ConfigText {
  name: string;
  text: string;
  pointer: string;
  related: Location;
}

/** Text of every ConfigMap/Secret the pod mounts as a volume or the container loads with envFrom. */
function podConfigTexts(c: ContainerRecord, sources: Map<string, ConfigSource>): { texts: ConfigText[]; unresolved: string[] } {
  const texts: ConfigText[] = [];
  const unresolved: string[] = [];
  const pod = c.pod.template.pod;
  const volumes = Array.isArray(pod.volumes) ? (pod.volumes as unknown[]) : [];
  const volPtr = c.pod.template.podOrigins.volumes ?? `${c.pod.template.podPointer}/volumes`;
  const mounts = Array.isArray(c.instance.value.volumeMounts) ? (c.instance.value.volumeMounts as unknown[]) : [];
  const add = (kind: 'ConfigMap' | 'Secret', name: string, pointer: string) => {
    const src = sources.get(`${kind}/${c.pod.namespace}/${name}`);
    if (!src) {
      unresolved.push(`${kind}/${name}`);
      return;
    }
    for (const [k, v] of src.data) texts.push({ name: `${kind}/${name} ${k}`, text: v.text, pointer, related: locationOf(src.record.doc, v.pointer, src.record.ref) });
  };
  volumes.forEach((v, i) => {
    if (!isObj(v)) return;
    const mi = mounts.findIndex((m) => isObj(m) && m.name === v.name);
    const pointer = mi >= 0 ? `${fieldPointer(c, 'volumeMounts')}/${mi}` : `${volPtr}/${i}`;
    if (mi < 0) return;
    if (isObj(v.configMap)) add('ConfigMap', String(v.configMap.name ?? ''), pointer);
    if (isObj(v.secret)) add('Secret', String(v.secret.secretName ?? ''), pointer);
    if (isObj(v.projected) && Array.isArray(v.projected.sources)) {
      for (const s of v.projected.sources as unknown[]) {
        if (!isObj(s)) continue;
        if (isObj(s.configMap)) add('ConfigMap', String(s.configMap.name ?? ''), pointer);
        if (isObj(s.secret)) add('Secret', String(s.secret.name ?? ''), pointer);
      }
    }
  });
  if (Array.isArray(c.instance.value.envFrom)) {
    (c.instance.value.envFrom as unknown[]).forEach((ef, i) => {
      if (!isObj(ef)) return;
      const pointer = `${fieldPointer(c, 'envFrom')}/${i}`;
      if (isObj(ef.configMapRef)) add('ConfigMap', String(ef.configMapRef.name ?? ''), pointer);
      if (isObj(ef.secretRef)) add('Secret', String(ef.secretRef.name ?? ''), pointer);
    });
  }
  return { texts, unresolved };
}

/** A proxy in front of another component (JupyterHub's) takes that component's auth state. */
function inheritAuth(graph: ModelGraph, c: ContainerRecord, from: string): void {
  const comp = c.subject.data.component as Obj;
  const auth = comp.auth as Obj;
  if (auth.by && (auth.by as unknown[]).length + (auth.disabledBy as unknown[]).length > 0) return;
  const source = graph.containers.find((o) => o.pod.namespace === c.pod.namespace && (o.subject.data.component as Obj | null)?.id === from);
  if (!source) return;
  const sAuth = (source.subject.data.component as Obj).auth as Obj;
  auth.enabled = sAuth.enabled;
  auth.from = { component: from, container: source.subject.data.name, workload: `${source.pod.workload.ref.kind}/${source.pod.workload.ref.name}` };
  const loc = source.subject.locate('/component/auth/enabled');
  containerFacts(c)!.related.set('/component/auth/enabled', () => [{ ...loc, message: `auth of ${from} (${String(source.subject.data.name)})` }]);
}

/** Each pod (and each container's `pod` summary) lists the components running in it. */
function summarisePod(pod: PodRecord): void {
  const components = pod.containers
    .filter((c) => c.subject.data.component)
    .map((c) => {
      const comp = c.subject.data.component as Obj;
      return { container: c.subject.data.name, containerType: c.subject.data.containerType, id: comp.id, class: comp.class };
    });
  pod.subject.data.components = components;
  for (const c of pod.containers) {
    const summary = c.subject.data.pod;
    if (isObj(summary)) summary.components = components;
  }
}

/** Container findings show the places the model linked them to (env sources, config files, exposures). */
export function installRelated(c: ContainerRecord): void {
  const f = containerFacts(c);
  if (!f || f.installed) return;
  f.installed = true;
  const subject = c.subject;
  const previous = subject.relatedFor;
  subject.relatedFor = (instancePath: string) => {
    const out: Location[] = previous ? previous(instancePath) : [];
    let path = instancePath;
    for (;;) {
      const fn = f.related.get(path);
      if (fn) {
        out.push(...fn());
        break;
      }
      const i = path.lastIndexOf('/');
      if (i <= 0) break;
      path = path.slice(0, i);
    }
    return out;
  };
}
