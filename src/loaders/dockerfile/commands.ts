// Facts about one simple command that rules match on: the program behind wrappers (sudo, env,
// exec…), its options, package installs with their versions, downloads, and chmod modes that
// grant write access to everyone. Program-specific knowledge (which options take a value) lives
// here so that rules can stay JSON Schema.

import type { ArgvRef, CommandData, DownloadData, InstallData } from './types.js';
import type { ShellCommand } from './shell.js';

export function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Wrappers and the options of theirs that take a value. */
const WRAPPERS: Record<string, { valueOpts: Set<string>; positionals?: number }> = {
  sudo: { valueOpts: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group']) },
  env: { valueOpts: new Set(['-u', '-C', '-S', '--unset', '--chdir']) },
  exec: { valueOpts: new Set(['-a']) },
  nohup: { valueOpts: new Set() },
  time: { valueOpts: new Set(['-f', '-o']) },
  nice: { valueOpts: new Set(['-n']) },
  command: { valueOpts: new Set() },
  builtin: { valueOpts: new Set() },
  stdbuf: { valueOpts: new Set(['-i', '-o', '-e']) },
  timeout: { valueOpts: new Set(['-s', '-k', '--signal', '--kill-after']), positionals: 1 },
  tini: { valueOpts: new Set(['-p', '-e']) },
  'dumb-init': { valueOpts: new Set(['-r', '--rewrite']) },
  gosu: { valueOpts: new Set(), positionals: 1 },
  'su-exec': { valueOpts: new Set(), positionals: 1 },
  catatonit: { valueOpts: new Set() },
};

/** Strip wrappers: the program actually run, its arguments, and the wrappers passed. */
export function unwrap(argv: string[], assigns: Record<string, string>): { program: string; args: string[]; wrappers: string[] } {
  const wrappers: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const name = baseName(argv[i]!);
    const w = WRAPPERS[name];
    if (!w) break;
    wrappers.push(name);
    i++;
    let positionals = w.positionals ?? 0;
    while (i < argv.length) {
      const a = argv[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
        const eq = a.indexOf('=');
        assigns[a.slice(0, eq)] = a.slice(eq + 1);
        i++;
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        i += w.valueOpts.has(a) ? 2 : 1;
        continue;
      }
      if (positionals > 0) {
        positionals--;
        i++;
        continue;
      }
      break;
    }
  }
  return { program: i < argv.length ? baseName(argv[i]!) : '', args: argv.slice(i + 1), wrappers };
}

/** Generic option reading: `--name=value`, `--name value`, `-x value`, `-xyz` (each letter true). */
export function readOptions(args: string[]): Record<string, string | true> {
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a.length < 2 || a[0] !== '-') continue;
    const next = args[i + 1];
    const value = next !== undefined && !(next.startsWith('-') && next.length > 1) ? next : true;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 2) opts[a.slice(0, eq)] = a.slice(eq + 1);
      else opts[a] = value;
    } else if (a.length === 2) {
      opts[a] = value;
    } else if (/^-[A-Za-z]+$/.test(a)) {
      for (const c of a.slice(1)) opts[`-${c}`] = true;
      // The last letter of a cluster may take the next word (`-fsSLo file`).
      opts[`-${a[a.length - 1]}`] = value;
    } else {
      const eq = a.indexOf('=');
      if (eq > 1) opts[a.slice(0, eq)] = a.slice(eq + 1);
      else opts[a.slice(0, 2)] = a.slice(2);
    }
  }
  return opts;
}

/** Positional arguments, skipping the values of the options that take one. */
function positionals(args: string[], valueOpts: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      // A loop, not push(...): a hostile RUN line can hold more words than a call takes arguments.
      for (let j = i + 1; j < args.length; j++) out.push(args[j]!);
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (!a.includes('=') && valueOpts.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const APT_VALUE_OPTS = new Set(['-o', '-t', '-c', '--option', '--target-release', '--default-release', '--config-file']);
const APK_VALUE_OPTS = new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file']);
const PIP_VALUE_OPTS = new Set(
  (
    '-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links --trusted-host -t --target ' +
    '--prefix --root --src --platform --python-version --implementation --abi --upgrade-strategy --progress-bar --cache-dir --log ' +
    '--proxy --retries --timeout --exists-action --cert --client-cert --global-option --install-option -C --config-settings ' +
    '--only-binary --no-binary --report --python -p --index --default-index --extra-index --group --torch-backend'
  ).split(' '),
);
const YUM_VALUE_OPTS = new Set(['-c', '--config', '--enablerepo', '--disablerepo', '--setopt', '--releasever', '--installroot', '-x', '--exclude', '--repo', '--repofrompath']);
const CONDA_VALUE_OPTS = new Set(['-c', '--channel', '-n', '--name', '-p', '--prefix', '--file']);

function pipCommand(program: string, args: string[]): string[] | undefined {
  if (/^pip(\d+(\.\d+)*)?$/.test(program)) return args;
  if (/^python(\d+(\.\d+)*)?$/.test(program)) {
    const m = args.indexOf('-m');
    if (m >= 0 && /^pip(\d+(\.\d+)*)?$/.test(args[m + 1] ?? '')) return args.slice(m + 2);
  }
  if (program === 'uv' && args[0] === 'pip') return args.slice(1);
  return undefined;
}

function install(program: string, args: string[], opts: Record<string, string | true>, env: Record<string, string>): InstallData | null {
  if (program === 'apt-get' || program === 'apt' || program === 'aptitude') {
    const pos = positionals(args, APT_VALUE_OPTS);
    if (pos[0] !== 'install') return null;
    const optValues = args.filter((a, i) => args[i - 1] === '-o' || args[i - 1] === '--option' || a.startsWith('-o'));
    const noRecommends =
      '--no-install-recommends' in opts || optValues.some((v) => /APT::Install-Recommends\s*=\s*("?)(false|0|no)\1/i.test(v));
    return {
      manager: 'apt',
      noInstallRecommends: noRecommends,
      packages: pos
        .slice(1)
        .filter((p) => !p.endsWith('.deb') && !p.startsWith('/') && !p.startsWith('./'))
        .map((p) => {
          const eq = p.indexOf('=');
          return eq > 0 ? { name: p.slice(0, eq), version: p.slice(eq + 1), pinned: true } : { name: p, version: null, pinned: false };
        }),
    };
  }
  if (program === 'apk') {
    const pos = positionals(args, APK_VALUE_OPTS);
    if (pos[0] !== 'add') return null;
    return {
      manager: 'apk',
      noCache: '--no-cache' in opts,
      packages: pos
        .slice(1)
        .filter((p) => !p.endsWith('.apk'))
        .map((p) => {
          const m = /^([^=~<>]+)([=~<>].*)$/.exec(p);
          return m ? { name: m[1]!, version: m[2]!.replace(/^[=~<>]+/, ''), pinned: true } : { name: p, version: null, pinned: false };
        }),
    };
  }
  const pip = pipCommand(program, args);
  if (pip) {
    const pos = positionals(pip, PIP_VALUE_OPTS);
    if (pos[0] !== 'install') return null;
    const pipOpts = readOptions(pip);
    const envNoCache = env.PIP_NO_CACHE_DIR !== undefined && !/^(0|false|no|off)$/i.test(env.PIP_NO_CACHE_DIR);
    return {
      manager: 'pip',
      noCacheDir: '--no-cache-dir' in pipOpts || '--no-cache' in pipOpts || envNoCache || env.UV_NO_CACHE !== undefined,
      packages: pos
        .slice(1)
        .filter((p) => !/^[./~]|:\/\/|^git\+|\.(whl|tar\.gz|zip|tgz)$/.test(p) && p !== '')
        .map((p) => {
          const m = /^([A-Za-z0-9._-]+(?:\[[^\]]*\])?)\s*((?:===?|~=|!=|<=?|>=?|@).*)$/.exec(p);
          return m ? { name: m[1]!, version: m[2]!, pinned: true } : { name: p, version: null, pinned: false };
        }),
    };
  }
  if (/^(yum|dnf|microdnf|tdnf)$/.test(program)) {
    const pos = positionals(args, YUM_VALUE_OPTS);
    if (pos[0] !== 'install') return null;
    return {
      manager: 'yum',
      packages: pos.slice(1).map((p) => (/-\d|=/.test(p) ? { name: p, version: p, pinned: true } : { name: p, version: null, pinned: false })),
    };
  }
  if (/^(conda|mamba|micromamba)$/.test(program)) {
    const pos = positionals(args, CONDA_VALUE_OPTS);
    if (pos[0] !== 'install') return null;
    return {
      manager: 'conda',
      packages: pos.slice(1).map((p) => (/[=<>]/.test(p) ? { name: p.split(/[=<>]/)[0]!, version: p, pinned: true } : { name: p, version: null, pinned: false })),
    };
  }
  if (program === 'npm' && (args[0] === 'install' || args[0] === 'i')) {
    return {
      manager: 'npm',
      packages: positionals(args.slice(1), new Set()).map((p) => (/.@/.test(p) ? { name: p, version: p.slice(p.lastIndexOf('@') + 1), pinned: true } : { name: p, version: null, pinned: false })),
    };
  }
  return null;
}

const MODEL_EXT = /\.(safetensors|bin|pt|pth|ckpt|gguf|ggml|onnx|h5|keras|pkl|pickle|joblib|mar|nemo|tflite|msgpack|llamafile)(\?.*)?$/i;
const HEX40 = /^[0-9a-f]{40}$/;
const URL_RE = /^(https?|ftp):\/\//i;

function download(program: string, args: string[], opts: Record<string, string | true>): DownloadData | null {
  if (program === 'curl' || program === 'wget') {
    const url = args.find((a) => URL_RE.test(a));
    if (!url) return null;
    const out = String(opts['-o'] ?? opts['--output'] ?? opts['-O'] ?? opts['--output-document'] ?? '');
    const hub = /huggingface\.co\/.+\/resolve\/([^/]+)\//.exec(url);
    return {
      tool: program as 'curl' | 'wget',
      source: url,
      model: MODEL_EXT.test(url) || MODEL_EXT.test(out) || !!hub,
      pinned: !!hub && HEX40.test(hub[1]!),
    };
  }
  if ((program === 'huggingface-cli' || program === 'hf') && args[0] === 'download') {
    const pos = positionals(args.slice(1), new Set(['--revision', '--repo-type', '--local-dir', '--cache-dir', '--include', '--exclude', '--token', '--max-workers']));
    const rev = opts['--revision'];
    return { tool: program, source: pos[0] ?? '', model: true, pinned: typeof rev === 'string' && HEX40.test(rev) };
  }
  if (program === 'ollama' && args[0] === 'pull') {
    return { tool: 'ollama', source: args[1] ?? '', model: true, pinned: /@sha256:[0-9a-f]{64}$/.test(args[1] ?? '') };
  }
  if (program === 'git' && args[0] === 'clone') {
    const url = args.find((a) => URL_RE.test(a) || a.startsWith('git@'));
    if (!url) return null;
    return { tool: 'git', source: url, model: /huggingface\.co\//.test(url) && !/huggingface\.co\/(spaces|datasets)\//.test(url), pinned: false };
  }
  return null;
}

/** A chmod mode that lets others write (sticky-bit modes such as 1777, the /tmp pattern, excepted). */
export function worldWritableMode(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    const special = Number(digits[0]);
    return (Number(digits[3]) & 2) !== 0 && (special & 1) === 0;
  }
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    return !!m && /[oa]/.test(m[1]!) && m[2] !== '-' && m[3]!.includes('w');
  });
}

function chmodMode(program: string, args: string[]): string | null {
  if (program !== 'chmod') return null;
  const pos = positionals(args, new Set(['--reference']));
  const mode = pos[0];
  return mode !== undefined && worldWritableMode(mode) ? mode : null;
}

/** Follow a pipe past `tee` (`curl … | tee x | sh` still feeds curl's output to sh). */
function through(list: ShellCommand[], i: number | null, dir: 'pipeFrom' | 'pipeTo'): ShellCommand | undefined {
  const seen = new Set<number>();
  while (i !== null && !seen.has(i)) {
    seen.add(i);
    const c = list[i]!;
    if (baseName(c.argv[0] ?? '') !== 'tee' || c[dir] === null) return c;
    i = c[dir];
  }
  return i === null ? undefined : list[i];
}

function ref(c: ShellCommand | undefined): ArgvRef | null {
  if (!c) return null;
  return { program: unwrap(c.argv, {}).program, argv: c.argv };
}

const CHECKSUM_TOOLS = /^(sha(1|224|256|384|512)sum|shasum|md5sum|b2sum|cksum)$/;

/** Does a command verify something (a checksum list, a signature, a pinned commit)? */
export function verifies(c: CommandData): boolean {
  if (CHECKSUM_TOOLS.test(c.program)) return '-c' in c.opts || '--check' in c.opts;
  if (c.program === 'gpg' || c.program === 'gpgv') return c.program === 'gpgv' || '--verify' in c.opts;
  if (c.program === 'cosign' || c.program === 'minisign' || c.program === 'signify') return true;
  if (c.program === 'git' && (c.args[0] === 'checkout' || c.args[0] === 'reset')) return c.args.some((a) => HEX40.test(a));
  if (c.program === 'git' && c.args[0] === 'clone') return '--revision' in c.opts && typeof c.opts['--revision'] === 'string' && HEX40.test(c.opts['--revision']);
  return false;
}

/** Turn the parsed commands of one instruction into rule-ready command data. */
export function commandData(
  list: ShellCommand[],
  where: { in: CommandData['in']; run: number | null },
  env: Record<string, string>,
): CommandData[] {
  return list.map((c) => {
    const assigns = { ...c.assigns };
    const { program, args, wrappers } = unwrap(c.argv, assigns);
    const opts = readOptions(args);
    const scoped = Object.keys(assigns).length ? { ...env, ...assigns } : env;
    const mode = chmodMode(program, args);
    return {
      in: where.in,
      run: where.run,
      argv: c.argv,
      summary: shorten(c.argv.join(' ')),
      program,
      args,
      opts,
      wrappers,
      assigns,
      pipeFrom: ref(through(list, c.pipeFrom, 'pipeFrom')),
      pipeTo: ref(through(list, c.pipeTo, 'pipeTo')),
      substituted: c.substituted,
      substitutions: c.substitutions.map((i) => ref(list[i])!).filter(Boolean),
      heredoc: c.heredoc,
      redirects: c.redirects,
      install: install(program, args, opts, scoped),
      worldWritable: mode,
      download: download(program, args, opts),
    };
  });
}

/** The only environment variables command data depends on (install(): pip's cache switches). */
const ENV_READ = ['PIP_NO_CACHE_DIR', 'UV_NO_CACHE'] as const;
const dataCache = new WeakMap<ShellCommand[], Map<string, CommandData[]>>();

/**
 * commandData for a command list shared by several instructions (shell.ts caches the commands of
 * identical scripts): the same list, place and pip switches give the same data, so it is built
 * once. The objects are shared between stages and files: nothing may mutate them.
 */
export function cachedCommandData(
  list: ShellCommand[],
  where: { in: CommandData['in']; run: number | null },
  env: ReadonlyMap<string, string>,
): CommandData[] {
  let byKey = dataCache.get(list);
  if (!byKey) dataCache.set(list, (byKey = new Map()));
  const values = ENV_READ.map((n) => env.get(n));
  const key = `${where.in}\u0000${where.run}\u0000${values.map((v) => (v === undefined ? '\u0001' : v)).join('\u0000')}`;
  let data = byKey.get(key);
  if (!data) {
    const scoped: Record<string, string> = {};
    ENV_READ.forEach((n, i) => {
      if (values[i] !== undefined) scoped[n] = values[i]!;
    });
    data = commandData(list, where, scoped);
    byKey.set(key, data);
  }
  return data.slice();
}

/** At most 100 characters, for messages. */
export function shorten(s: string): string {
  const head = s.length > 300 ? s.slice(0, 300) : s;
  const one = /\s\s|[\t\n\r]|^\s|\s$/.test(head) ? head.replace(/\s+/g, ' ').trim() : head;
  return one.length > 100 ? `${one.slice(0, 99)}…` : one;
}
