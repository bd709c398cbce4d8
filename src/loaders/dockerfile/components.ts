// Which AI server a stage builds, from rules.d/data/components.yaml (the same fingerprints the
// container model uses): matched on the base image, then the ENTRYPOINT/CMD command line, then
// marker variables, else inherited from the stage it is built FROM. For the matched component:
// its ports that the stage EXPOSEs, the settings that make it listen on every interface, and
// whether an authentication switch (flag or env) is set.

import { componentTable, isLoopback } from '../../model/components.js';
import type { DataTables } from '../../rules/data.js';

export interface ListenSetting {
  via: 'env' | 'flag';
  name: string;
  value: string;
  /** Path of the stage field the setting was read from (for its location). */
  path: string;
}

export interface StageComponent {
  id: string;
  name: string;
  class: string;
  matchedBy: 'image' | 'command' | 'env' | 'stage';
  /** EXPOSEd ports of the component (metrics ports left out). */
  exposed: Array<{ port: number; role: string }>;
  /** Settings that bind every interface. */
  listen: ListenSetting[];
  auth: { enabled: boolean; by: string[]; disabledBy: string[] };
}

export interface ComponentInput {
  imageKey: string | null;
  /** ENTRYPOINT + CMD, as argv, with the stage path of each word's instruction. */
  argv: Array<{ word: string; path: string }>;
  env: Map<string, { value: string; path: string }>;
  expose: Array<{ port: number; endPort: number }>;
  inherited: { id: string } | null;
}

function flagsOf(argv: Array<{ word: string; path: string }>): Map<string, { value: string | true; path: string }> {
  const out = new Map<string, { value: string | true; path: string }>();
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!.word;
    if (!/^--?[A-Za-z]/.test(t)) continue;
    const eq = t.indexOf('=');
    if (eq > 0) {
      out.set(t.slice(0, eq), { value: t.slice(eq + 1), path: argv[i]!.path });
      continue;
    }
    const next = argv[i + 1]?.word;
    if (next !== undefined && !next.startsWith('-')) {
      out.set(t, { value: next, path: argv[i]!.path });
      i++;
    } else out.set(t, { value: true, path: argv[i]!.path });
  }
  return out;
}

type Compiled = ReturnType<typeof componentTable>[number];

const imageCache = new WeakMap<DataTables, Map<string, Compiled | null>>();
const commandPrefilter = new WeakMap<DataTables, RegExp>();

/** The first entry whose image pattern matches (cached: a scan sees the same base images again and again). */
function byImage(tables: DataTables, table: Compiled[], key: string): Compiled | undefined {
  let cache = imageCache.get(tables);
  if (!cache) imageCache.set(tables, (cache = new Map()));
  let row = cache.get(key);
  if (row === undefined) {
    row = table.find((t) => t.images.some((re) => re.test(key))) ?? null;
    cache.set(key, row);
  }
  return row ?? undefined;
}

export function stageComponent(tables: DataTables, input: ComponentInput): StageComponent | null {
  const table = componentTable(tables);
  if (!table.length) return null;
  const joined = input.argv.map((a) => a.word).join(' ');
  let matchedBy: StageComponent['matchedBy'] | undefined;
  let row = input.imageKey ? byImage(tables, table, input.imageKey) : undefined;
  if (row) matchedBy = 'image';
  if (!row && joined) {
    // One combined pattern rejects most command lines before the per-entry search.
    let any = commandPrefilter.get(tables);
    if (!any) {
      const res = table.flatMap((t) => t.commands);
      // Back-references would change meaning once the groups are renumbered: no prefilter then.
      any = res.some((r) => /\\[1-9]|\(\?</.test(r.source)) ? /(?:)/ : res.length ? new RegExp(res.map((r) => `(?:${r.source})`).join('|')) : /(?!)/;
      commandPrefilter.set(tables, any);
    }
    row = any.test(joined) ? table.find((t) => t.commands.some((re) => re.test(joined))) : undefined;
    if (row) matchedBy = 'command';
  }
  if (!row) {
    row = table.find((t) => (t.row.env ?? []).some((n) => input.env.has(n)));
    if (row) matchedBy = 'env';
  }
  if (!row && input.inherited) {
    row = table.find((t) => t.row.id === input.inherited!.id);
    if (row) matchedBy = 'stage';
  }
  if (!row || !matchedBy) return null;
  const r = row.row;

  const exposed: StageComponent['exposed'] = [];
  for (const p of r.ports ?? []) {
    if (p.role === 'metrics') continue;
    if (input.expose.some((e) => p.port >= e.port && p.port <= e.endPort)) exposed.push({ port: p.port, role: p.role });
  }

  const flags = flagsOf(input.argv);
  const listen: ListenSetting[] = [];
  for (const name of r.listen?.flags ?? []) {
    const f = flags.get(name);
    if (!f) continue;
    // A bare --listen (ComfyUI) means every interface.
    if (f.value === true || !isLoopback(f.value)) listen.push({ via: 'flag', name, value: f.value === true ? '' : f.value, path: f.path });
  }
  for (const name of r.listen?.env ?? []) {
    const e = input.env.get(name);
    if (e && e.value !== '' && !isLoopback(e.value)) listen.push({ via: 'env', name, value: e.value, path: e.path });
  }

  const by: string[] = [];
  const disabledBy: string[] = [];
  let winner: 'enable' | 'disable' | undefined;
  for (const s of row.switches) {
    if (s.argv) {
      if (!s.argv.test(joined)) continue;
      (s.effect === 'enable' ? by : disabledBy).push(s.row.argv!);
      if (s.row.wins) winner ??= s.effect;
      continue;
    }
    if (s.row.flag === undefined && s.row.env === undefined) continue;
    for (const name of s.names) {
      let value: string | undefined;
      if (s.row.flag !== undefined) {
        const f = flags.get(name);
        if (f) value = f.value === true ? 'true' : f.value;
      } else {
        value = input.env.get(name)?.value;
      }
      if (value === undefined) continue;
      if (s.value ? !s.value.test(value) : value === '') continue;
      (s.effect === 'enable' ? by : disabledBy).push(name);
      if (s.row.wins) winner ??= s.effect;
    }
  }
  const enabled = winner ? winner === 'enable' : by.length ? true : disabledBy.length ? false : (r.auth?.default ?? false);
  return { id: r.id, name: r.name, class: r.class, matchedBy, exposed, listen, auth: { enabled, by, disabledBy } };
}

/** Disable switches of notebook components: flags (value pattern) and config-file patterns. */
export interface NotebookSwitches {
  flags: Array<{ name: string; value?: RegExp }>;
  env: Array<{ name: string; value?: RegExp }>;
  config: RegExp[];
  argv: RegExp[];
}

const notebookCache = new WeakMap<DataTables, NotebookSwitches>();

export function notebookDisableSwitches(tables: DataTables): NotebookSwitches {
  const known = notebookCache.get(tables);
  if (known) return known;
  const out = { flags: [] as Array<{ name: string; value?: RegExp }>, env: [] as Array<{ name: string; value?: RegExp }>, config: [] as RegExp[], argv: [] as RegExp[] };
  const seen = new Set<string>();
  for (const t of componentTable(tables)) {
    if (t.row.class !== 'notebook') continue;
    for (const s of t.switches) {
      if (s.effect !== 'disable') continue;
      const key = JSON.stringify(s.row);
      if (seen.has(key)) continue;
      seen.add(key);
      if (s.config) out.config.push(s.config);
      else if (s.argv) out.argv.push(s.argv);
      else if (s.row.flag !== undefined) for (const name of s.names) out.flags.push({ name, value: s.value });
      else if (s.row.env !== undefined) for (const name of s.names) out.env.push({ name, value: s.value });
    }
  }
  notebookCache.set(tables, out);
  return out;
}
