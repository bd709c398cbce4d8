// Compiled views of the tables behind the GPU isolation, model supply-chain and AI secrets facts
// (rules.d/data/{gpu-isolation,model-supply-chain,ai-tokens}.yaml), built once per table set.

import { modelTables } from './tables.js';
import { tableRows, type DataTables } from '../rules/data.js';

export interface KeyMatch {
  key: string;
  value?: string;
}

export interface HostPathRow {
  pattern: string;
  what: string;
  risk: 'critical' | 'high' | 'medium';
  writableRisk?: 'critical' | 'high';
}

export interface ToolkitSettingRow {
  env?: string;
  pattern?: string;
  config?: string;
  risk: 'critical' | 'high' | 'medium';
  why: string;
}

export interface FetchRow {
  kind: 'pipe-to-shell' | 'package-install' | 'git-clone' | 'hub-download' | 'model-pull' | 'runtime-env';
  pattern: string;
  what?: string;
}

export interface CapabilityRow {
  names: string[];
  risk: 'critical' | 'high' | 'medium';
  why: string;
  unlessRdma?: boolean;
}

export interface CrdField {
  kind: string;
  groups: string[];
}

export interface AiTables {
  runtimeClasses: Set<string>;
  /** `anyValue`: the toleration or expression accepts every value of the key (operator Exists). */
  gpuNodeTaint: (key: string, value: unknown, anyValue?: boolean) => boolean;
  gpuNodeLabel: (key: string, value: unknown, anyValue?: boolean) => boolean;
  rdmaResource: (name: string) => boolean;
  aiComponentClasses: Set<string>;
  distributedArgv: RegExp[];
  distributedEnvPrefixes: string[];
  systemNamespace: (ns: string) => boolean;
  systemLabel: (labels: Record<string, unknown>) => boolean;
  systemImage: (registryRepository: string) => boolean;
  hostPaths: Array<HostPathRow & { re: RegExp }>;
  deviceListMountPaths: RegExp[];
  visibleDevicesEnv: Set<string>;
  noDevicesValues: Set<string>;
  capabilities: CapabilityRow[];
  mustDrop: Array<{ name: string; why: string }>;
  toolkitSettings: Array<ToolkitSettingRow & { valueRe?: RegExp; configRe?: RegExp }>;

  modelHostPaths: RegExp[];
  modelMountPaths: RegExp[];
  modelDirEnv: string[];
  crdModelStorage: Array<CrdField & { hostPath: string; readOnly?: string }>;
  /** A pickle-format extension anywhere in a path (`model.pt`, `model.pt.1`); the Dockerfile loader uses it. */
  pickleExtension: RegExp | undefined;
  /** A reference ending in a pickle-format extension. */
  pickleFile: RegExp | undefined;
  /** Global (g) versions, to scan a whole command line. */
  unsafeLoadMarkers: RegExp[];
  hubModelFlags: Set<string>;
  hubServeCommands: RegExp[];
  hubModelEnv: string[];
  hubRevisionFlags: Set<string>;
  hubRevisionEnv: string[];
  hubUriPrefixes: string[];
  hubId: (s: string) => boolean;
  pinnedRevision: (s: string) => boolean;
  trustRemoteCodeArgv: RegExp[];
  trustRemoteCodeEnv: Set<string>;
  isTrue: (s: string) => boolean;
  fetchCommands: Array<FetchRow & { re: RegExp }>;
  runtimeEnvFields: Array<CrdField & { path: string; role: string }>;
  floatingTag: (tag: string) => boolean;
  insecureRegistry: (registry: string) => string | undefined;
  trustedRegistries: RegExp[];

  aiTokenName: (name: string) => boolean;
  aiTokenKinds: Set<string>;
  cliSecretFlags: Set<string>;
  cliSecretCommands: RegExp[];
  /** Not a credential: a reference, a dummy key, a placeholder, or the variable's own name. */
  notSecretValue: (value: string, name?: string) => boolean;
}

const cache = new WeakMap<DataTables, AiTables>();

function rows<T>(tables: DataTables, table: string, key: string): T[] {
  return tableRows<T>(tables, table, key);
}

function res(list: string[]): RegExp[] {
  return list.map((s) => new RegExp(s));
}

function keyMatcher(list: KeyMatch[]): (key: string, value: unknown, anyValue?: boolean) => boolean {
  const compiled = list.map((k) => ({ key: k.key, re: k.value !== undefined ? new RegExp(k.value) : undefined }));
  return (key, value, anyValue = false) =>
    compiled.some((k) => k.key === key && (anyValue || !k.re || (value !== undefined && value !== null && k.re.test(String(value)))));
}

export function aiTables(tables: DataTables): AiTables {
  const known = cache.get(tables);
  if (known) return known;
  const g = (key: string) => rows<string>(tables, 'gpu-isolation', key);
  const m = (key: string) => rows<string>(tables, 'model-supply-chain', key);
  const a = (key: string) => rows<string>(tables, 'ai-tokens', key);

  const systemNs = res(g('systemNamespaces'));
  const systemLabels = rows<KeyMatch>(tables, 'gpu-isolation', 'systemLabels');
  const systemLabelMatch = keyMatcher(systemLabels);
  const systemImages = res(g('systemImages'));
  const rdma = res(g('rdmaResources'));
  const exts = m('pickleExtensions');
  const hubIds = res(m('hubIdPatterns'));
  const pinned = res(m('pinnedRevisionPatterns'));
  const trueValues = res(m('trueValues'));
  const floating = res(m('floatingTags'));
  const insecure = rows<{ pattern: string; why: string }>(tables, 'model-supply-chain', 'insecureRegistries').map((r) => ({ re: new RegExp(r.pattern), why: r.why }));
  const tokenNames = new Set(a('names').map((n) => n.toUpperCase()));

  const built: AiTables = {
    runtimeClasses: new Set(g('runtimeClasses')),
    gpuNodeTaint: keyMatcher(rows<KeyMatch>(tables, 'gpu-isolation', 'gpuNodeTaints')),
    gpuNodeLabel: keyMatcher(rows<KeyMatch>(tables, 'gpu-isolation', 'gpuNodeLabels')),
    rdmaResource: (name) => rdma.some((re) => re.test(name)),
    aiComponentClasses: new Set(g('aiComponentClasses')),
    distributedArgv: res(g('distributedArgv')),
    distributedEnvPrefixes: g('distributedEnvPrefixes'),
    systemNamespace: remembered((ns) => systemNs.some((re) => re.test(ns))),
    systemLabel: (labels) => Object.entries(labels).some(([k, v]) => systemLabelMatch(k, v)),
    systemImage: remembered((ref) => systemImages.some((re) => re.test(ref))),
    hostPaths: rows<HostPathRow>(tables, 'gpu-isolation', 'hostPaths').map((r) => ({ ...r, re: new RegExp(r.pattern) })),
    deviceListMountPaths: res(g('deviceListMountPaths')),
    visibleDevicesEnv: new Set(g('visibleDevicesEnv')),
    noDevicesValues: new Set(g('noDevicesValues').map((v) => v.toLowerCase())),
    capabilities: rows(tables, 'gpu-isolation', 'capabilities'),
    toolkitSettings: rows<ToolkitSettingRow>(tables, 'gpu-isolation', 'toolkitSettings').map((r) => ({
      ...r,
      valueRe: r.pattern !== undefined ? new RegExp(r.pattern) : undefined,
      configRe: r.config !== undefined ? new RegExp(r.config) : undefined,
    })),
    mustDrop: rows(tables, 'gpu-isolation', 'mustDrop'),

    modelHostPaths: res(m('modelHostPaths')),
    modelMountPaths: res(m('modelMountPaths')),
    modelDirEnv: m('modelDirEnv'),
    crdModelStorage: rows(tables, 'model-supply-chain', 'crdModelStorage'),
    pickleExtension: exts.length ? new RegExp(`\\.(${exts.map(escapeRe).join('|')})(?![A-Za-z0-9_])`, 'i') : undefined,
    pickleFile: exts.length ? new RegExp(`\\.(${exts.map(escapeRe).join('|')})$`, 'i') : undefined,
    unsafeLoadMarkers: m('unsafeLoadMarkers').map((s) => new RegExp(s, 'g')),
    hubModelFlags: new Set(m('hubModelFlags')),
    hubServeCommands: res(m('hubServeCommands')),
    hubModelEnv: m('hubModelEnv'),
    hubRevisionFlags: new Set(m('hubRevisionFlags')),
    hubRevisionEnv: m('hubRevisionEnv'),
    hubUriPrefixes: m('hubUriPrefixes'),
    hubId: (s) => hubIds.some((re) => re.test(s)),
    pinnedRevision: (s) => pinned.some((re) => re.test(s)),
    trustRemoteCodeArgv: res(m('trustRemoteCodeArgv')),
    trustRemoteCodeEnv: new Set(m('trustRemoteCodeEnv')),
    isTrue: (s) => trueValues.some((re) => re.test(s)),
    fetchCommands: rows<FetchRow>(tables, 'model-supply-chain', 'fetchCommands').map((r) => ({ ...r, re: new RegExp(r.pattern) })),
    runtimeEnvFields: rows(tables, 'model-supply-chain', 'runtimeEnvFields'),
    floatingTag: (tag) => floating.some((re) => re.test(tag)),
    insecureRegistry: (registry) => insecure.find((r) => r.re.test(registry))?.why,
    trustedRegistries: res(m('trustedRegistries')),

    aiTokenName: (name) => tokenNames.has(name.toUpperCase()),
    aiTokenKinds: new Set(a('tokenKinds')),
    cliSecretFlags: new Set(a('cliFlags')),
    cliSecretCommands: res(a('cliCommands')),
    notSecretValue: (value, name) => modelTables(tables).notSecretValue(value, name),
  };
  cache.set(tables, built);
  return built;
}

/** A test over table patterns whose answers are remembered (namespaces and images repeat), up to a bound. */
function remembered(test: (s: string) => boolean): (s: string) => boolean {
  const answers = new Map<string, boolean>();
  return (s) => {
    let answer = answers.get(s);
    if (answer === undefined) {
      answer = test(s);
      if (answers.size >= 4096) answers.clear();
      if (s.length <= 1024) answers.set(s, answer);
    }
    return answer;
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
