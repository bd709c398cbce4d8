// Shell scripts of RUN, CMD and ENTRYPOINT (shell form) → simple commands, with the mvdan/sh parser
// (the `mvdan-sh` package: the Go parser compiled to JavaScript, Bash dialect, so POSIX sh scripts
// and bash-isms both parse). It is imported only when a Dockerfile is scanned.
//
// The package wraps every AST node for JavaScript on each field access, which costs tens of
// microseconds per access; we read the underlying GopherJS values instead (`__internal_object__`:
// slices are {$array, $offset, $length}, nil pointers and interfaces are placeholder objects, strings are UTF-8
// bytes stored one per UTF-16 unit, positions are byte offsets).

import { copyWith } from '../../util/copy.js';
import type { Lookup } from './text.js';

// GopherJS values are untyped; `any` is confined to this module.
type Go = any;

export interface ShellCommand {
  argv: string[];
  assigns: Record<string, string>;
  redirects: Array<{ op: string; target: string }>;
  heredoc: string | null;
  /** Character range in the script. */
  start: number;
  end: number;
  pipeFrom: number | null;
  pipeTo: number | null;
  substituted: boolean;
  /** Indices of commands substituted into this one's words. */
  substitutions: number[];
}

export interface ShellResult {
  commands: ShellCommand[];
  ok: boolean;
  error?: { message: string; index: number };
}

interface MvdanSh {
  syntax: { NewParser(...opts: unknown[]): { Parse(src: string, name: string): Go }; Variant(lang: unknown): unknown; LangBash: unknown };
}

let parserPromise: Promise<{ Parse(src: string, name: string): Go }> | undefined;

/** The shared parser (the package takes ~100 ms to load, so only Dockerfile scans pay for it). */
export function shellParser(): Promise<{ Parse(src: string, name: string): Go }> {
  parserPromise ??= import('mvdan-sh').then((m) => {
    const sh = ((m as { default?: MvdanSh }).default ?? m) as MvdanSh;
    return sh.syntax.NewParser(sh.syntax.Variant(sh.syntax.LangBash));
  });
  return parserPromise;
}

// BinaryCmd operators (&& is 10, || is 11).
const BINARY_PIPE = 12;
const BINARY_PIPE_ALL = 13;

const REDIR_OPS: Record<number, string> = {
  54: '>',
  55: '>>',
  56: '<',
  57: '<>',
  58: '<&',
  59: '>&',
  60: '>|',
  61: '<<',
  62: '<<-',
  63: '<<<',
  64: '&>',
  65: '&>>',
};

// ParamExp expansion operators: ${X-w} ${X:-w} ${X+w} ${X:+w}.
const EXP_DEFAULT = 70;
const EXP_DEFAULT_COLON = 71;
const EXP_ALT = 68;
const EXP_ALT_COLON = 69;

function items(s: Go): Go[] {
  if (!s || !s.$array) return [];
  const out: Go[] = [];
  for (let i = 0; i < s.$length; i++) out.push(s.$array[s.$offset + i]);
  return out;
}

/** A nil pointer (a field-less object) or a nil interface (GopherJS's $ifaceNil, a plain object). */
function isNil(p: Go): boolean {
  if (!p) return true;
  const c = p.constructor;
  return !c || c.nil === p || c.string === undefined;
}

function typeOf(n: Go): string {
  return isNil(n) ? '' : (n.constructor.string as string);
}

const MAX_DEPTH = 3;

class Walker {
  readonly commands: ShellCommand[] = [];
  private readonly ascii: boolean;
  private byteToChar: Int32Array | undefined;

  constructor(
    private readonly script: string,
    private readonly lookup: Lookup,
    private readonly parse: (src: string) => Go,
    private readonly depth: number,
  ) {
    this.ascii = !/[^\x00-\x7f]/.test(script);
  }

  /** Character index of a byte offset. */
  index(byteOffset: number): number {
    if (this.ascii) return byteOffset;
    if (!this.byteToChar) {
      const map: number[] = [];
      for (let i = 0; i < this.script.length; i++) {
        const c = this.script.codePointAt(i)!;
        const bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        for (let b = 0; b < bytes; b++) map.push(i);
        if (c >= 0x10000) i++;
      }
      map.push(this.script.length);
      this.byteToChar = Int32Array.from(map);
    }
    return this.byteToChar[Math.min(byteOffset, this.byteToChar.length - 1)]!;
  }

  str(goString: string): string {
    if (this.ascii || !/[^\x00-\x7f]/.test(goString)) return goString;
    return Buffer.from(goString, 'latin1').toString('utf8');
  }

  source(node: Go): string {
    return this.script.slice(this.index(node.Pos().offs), this.index(node.End().offs));
  }

  stmts(list: Go, substituted: boolean): [number | null, number | null] {
    let first: number | null = null;
    let last: number | null = null;
    for (const s of items(list)) {
      const [a, b] = this.stmt(s, substituted);
      first ??= a;
      if (b !== null) last = b;
    }
    return [first, last];
  }

  /** Visit a statement; returns the commands that read its input and write its output. */
  stmt(st: Go, substituted: boolean): [number | null, number | null] {
    if (isNil(st)) return [null, null];
    const cmd = st.Cmd;
    const t = typeOf(cmd);
    let io: [number | null, number | null] = [null, null];
    switch (t) {
      case '*syntax.CallExpr':
        io = this.call(cmd, st, substituted);
        break;
      case '*syntax.BinaryCmd': {
        const x = this.stmt(cmd.X, substituted);
        const y = this.stmt(cmd.Y, substituted);
        if (cmd.Op === BINARY_PIPE || cmd.Op === BINARY_PIPE_ALL) {
          if (x[1] !== null && y[0] !== null) {
            this.commands[x[1]]!.pipeTo = y[0];
            this.commands[y[0]]!.pipeFrom = x[1];
          }
          // A side that runs no command (`>file`) breaks the pipe: nothing flows through it.
          io = [x[0], y[1]];
        } else io = [x[0] ?? y[0], y[1] ?? x[1]];
        break;
      }
      case '*syntax.Subshell':
      case '*syntax.Block':
        io = this.stmts(cmd.Stmts, substituted);
        break;
      case '*syntax.IfClause': {
        let clause = cmd;
        let first: number | null = null;
        let last: number | null = null;
        while (!isNil(clause)) {
          const c = this.stmts(clause.Cond, substituted);
          const b = this.stmts(clause.Then, substituted);
          first ??= c[0] ?? b[0];
          last = b[1] ?? last;
          clause = clause.Else;
        }
        io = [first, last];
        break;
      }
      case '*syntax.WhileClause': {
        const c = this.stmts(cmd.Cond, substituted);
        const b = this.stmts(cmd.Do, substituted);
        io = [c[0] ?? b[0], b[1]];
        break;
      }
      case '*syntax.ForClause':
        io = this.stmts(cmd.Do, substituted);
        break;
      case '*syntax.CaseClause': {
        let first: number | null = null;
        let last: number | null = null;
        for (const item of items(cmd.Items)) {
          const r = this.stmts(item.Stmts, substituted);
          first ??= r[0];
          last = r[1] ?? last;
        }
        io = [first, last];
        break;
      }
      case '*syntax.FuncDecl':
        this.stmt(cmd.Body, substituted);
        break;
      case '*syntax.TimeClause':
      case '*syntax.CoprocClause':
        io = this.stmt(cmd.Stmt, substituted);
        break;
      case '*syntax.DeclClause':
        io = this.decl(cmd, st, substituted);
        break;
      default:
        break;
    }
    // Redirections on compound commands (`{ …; } > f`) still count for the commands inside.
    if (t !== '*syntax.CallExpr' && t !== '*syntax.DeclClause' && io[1] !== null) {
      const target = this.commands[io[1]]!;
      for (const r of this.redirects(st, [])) target.redirects.push(r.redirect);
    }
    return io;
  }

  private redirects(st: Go, subs: number[]): Array<{ redirect: { op: string; target: string }; heredoc: string | null }> {
    const out: Array<{ redirect: { op: string; target: string }; heredoc: string | null }> = [];
    for (const r of items(st.Redirs)) {
      const op = REDIR_OPS[r.Op as number] ?? String(r.Op);
      const target = isNil(r.Word) ? '' : this.word(r.Word, subs, false);
      let heredoc: string | null = null;
      if (!isNil(r.Hdoc)) {
        heredoc = this.word(r.Hdoc, subs, true);
        // <<- strips the leading tabs of each line.
        if (op === '<<-') heredoc = heredoc.replace(/^\t+/gm, '');
      }
      else if (op === '<<<') heredoc = target;
      out.push({ redirect: { op, target }, heredoc });
    }
    return out;
  }

  private push(c: Omit<ShellCommand, 'pipeFrom' | 'pipeTo' | 'substitutions'>, subs: number[]): number {
    const i = this.commands.length;
    this.commands.push(copyWith(c, { pipeFrom: null, pipeTo: null, substitutions: subs }));
    return i;
  }

  private call(cmd: Go, st: Go, substituted: boolean): [number, number] {
    const subs: number[] = [];
    const assigns: Record<string, string> = {};
    for (const a of items(cmd.Assigns)) {
      if (isNil(a.Name)) continue;
      assigns[this.str(a.Name.Value)] = isNil(a.Value) ? '' : this.word(a.Value, subs, false);
    }
    const argv = items(cmd.Args).map((w) => this.word(w, subs, false));
    const redirs = this.redirects(st, subs);
    const heredoc = redirs.find((r) => r.heredoc !== null)?.heredoc ?? null;
    const [start, end] = this.extent([...items(cmd.Assigns), ...items(cmd.Args), ...items(st.Redirs)], st);
    const i = this.push({ argv, assigns, redirects: redirs.map((r) => r.redirect), heredoc, start, end, substituted }, subs);
    appendNested(this.commands, argv, start, end, this.lookup, this.parse, this.depth);
    return [i, i];
  }

  private decl(cmd: Go, st: Go, substituted: boolean): [number, number] {
    const subs: number[] = [];
    const assigns: Record<string, string> = {};
    const argv: string[] = [isNil(cmd.Variant) ? 'declare' : this.str(cmd.Variant.Value)];
    for (const a of items(cmd.Args)) {
      if (isNil(a.Name)) {
        if (!isNil(a.Value)) argv.push(this.word(a.Value, subs, false));
        continue;
      }
      const name = this.str(a.Name.Value);
      if (a.Naked) {
        argv.push(name);
        continue;
      }
      const value = isNil(a.Value) ? '' : this.word(a.Value, subs, false);
      assigns[name] = value;
      argv.push(`${name}=${value}`);
    }
    const [start, end] = this.extent([cmd.Variant, ...items(cmd.Args), ...items(st.Redirs)], st);
    const i = this.push({ argv, assigns, redirects: this.redirects(st, subs).map((r) => r.redirect), heredoc: null, start, end, substituted }, subs);
    return [i, i];
  }

  /** Character range of a command: from its first part to the end of its last (no `;` or `&`). */
  private extent(parts: Go[], st: Go): [number, number] {
    let a = Infinity;
    let b = -Infinity;
    for (const p of parts) {
      if (isNil(p)) continue;
      a = Math.min(a, p.Pos().offs);
      b = Math.max(b, p.End().offs);
    }
    if (a === Infinity) return [this.index(st.Pos().offs), this.index(st.End().offs)];
    return [this.index(a), this.index(b)];
  }

  /** A word as the command receives it: quotes removed, known variables expanded, the rest as written. */
  word(w: Go, subs: number[], heredoc: boolean): string {
    let out = '';
    for (const p of items(w.Parts)) out += this.part(p, subs, heredoc ? 'heredoc' : 'bare');
    return out;
  }

  private part(p: Go, subs: number[], ctx: 'bare' | 'dq' | 'heredoc'): string {
    switch (typeOf(p)) {
      case '*syntax.Lit':
        return unescape(this.str(p.Value), ctx);
      case '*syntax.SglQuoted':
        return this.str(p.Value);
      case '*syntax.DblQuoted': {
        let s = '';
        for (const q of items(p.Parts)) s += this.part(q, subs, 'dq');
        return s;
      }
      case '*syntax.ParamExp':
        return this.param(p, subs);
      case '*syntax.CmdSubst':
      case '*syntax.ProcSubst': {
        const before = this.commands.length;
        this.stmts(p.Stmts, true);
        for (let k = before; k < this.commands.length; k++) subs.push(k);
        return this.source(p);
      }
      default:
        return isNil(p) ? '' : this.source(p);
    }
  }

  private param(p: Go, subs: number[]): string {
    const text = this.source(p);
    if (p.Excl || p.Length || p.Width || !isNil(p.Index) || !isNil(p.Slice) || !isNil(p.Repl) || isNil(p.Param)) return text;
    const name = this.str(p.Param.Value);
    const known = this.lookup(name);
    const exp = p.Exp;
    if (isNil(exp)) return typeof known === 'string' ? known : text;
    const op = exp.Op as number;
    if (typeof known !== 'string') return text;
    const set = known !== '';
    const word = () => (isNil(exp.Word) ? '' : this.word(exp.Word, subs, false));
    if (op === EXP_DEFAULT_COLON) return set ? known : word();
    if (op === EXP_DEFAULT) return known;
    if (op === EXP_ALT_COLON) return set ? word() : '';
    if (op === EXP_ALT) return word();
    return text;
  }
}

/** Backslash escapes as the shell applies them in each quoting context. */
function unescape(s: string, ctx: 'bare' | 'dq' | 'heredoc'): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const d = s[i + 1]!;
    if (d === '\n') {
      i++;
      continue;
    }
    if (ctx === 'bare' || d === '$' || d === '`' || d === '\\' || (ctx === 'dq' && d === '"')) {
      out += d;
      i++;
    } else out += c;
  }
  return out;
}

/** Parse a script into its simple commands; a script that does not parse yields its words, split on operators. */
export function parseScript(script: string, lookup: Lookup, parse: (src: string) => Go, depth = 0, fast = true): ShellResult {
  if (fast) {
    const plain = plainCommands(script, lookup, parse, depth);
    if (plain) return { commands: plain, ok: true };
  }
  let file: Go;
  try {
    file = parse(script);
  } catch (err) {
    return { commands: fallbackCommands(script), ok: false, error: describeError(err, script) };
  }
  const w = new Walker(script, lookup, parse, depth);
  try {
    w.stmts(file.Stmts, false);
  } catch (err) {
    return { commands: fallbackCommands(script), ok: false, error: { message: (err as Error).message ?? String(err), index: 0 } };
  }
  return { commands: w.commands, ok: true };
}

// Identical scripts recur across the files of one scan (`apt-get update && apt-get install …`,
// `pip install --no-cache-dir -r requirements.txt`, the same Dockerfile in many folders), and
// the Go parser is the largest cost of a Dockerfile after dockerfile-ast itself. A script's
// commands depend only on its text, its nesting depth and the values of the variables it
// expands, so results are kept per parse function and text with the variables they read; a
// hit needs every one of those to read the same now. Results are shared: nothing may mutate
// them (callers copy what they change). Bounded by the script text kept: past the budget the
// cache starts over.
const MAX_CACHED_CHARS = 2_000_000;
const MAX_VARIANTS = 8;
interface CacheEntry {
  reads: Array<[string, string | null | undefined]>;
  result: ShellResult;
}
const scriptCaches = new WeakMap<(src: string) => Go, { entries: Map<string, CacheEntry[]>; chars: number }>();

/** parseScript, reusing the result of an earlier identical script in the same variable scope. */
export function cachedParseScript(script: string, lookup: Lookup, parse: (src: string) => Go, depth = 0): ShellResult {
  let cache = scriptCaches.get(parse);
  if (!cache) scriptCaches.set(parse, (cache = { entries: new Map(), chars: 0 }));
  const key = `${depth}\u0000${script}`;
  const variants = cache.entries.get(key);
  if (variants) {
    for (const v of variants) if (v.reads.every(([name, value]) => lookup(name) === value)) return v.result;
  }
  const reads: CacheEntry['reads'] = [];
  const result = parseScript(script, (name) => {
    const value = lookup(name);
    reads.push([name, value]);
    return value;
  }, parse, depth);
  if (cache.chars + key.length > MAX_CACHED_CHARS) {
    cache.entries.clear();
    cache.chars = 0;
  }
  const list = cache.entries.get(key);
  if (!list) {
    cache.entries.set(key, [{ reads, result }]);
    cache.chars += key.length;
  } else if (list.length < MAX_VARIANTS) list.push({ reads, result });
  return result;
}

function describeError(err: unknown, script: string): { message: string; index: number } {
  const e = err as { Error?: () => string };
  const text = typeof e?.Error === 'function' ? e.Error() : String(err);
  const m = /^(\d+):(\d+): (.*)$/s.exec(text);
  if (!m) return { message: text, index: 0 };
  // Go reports 1-based line and byte column; good enough to point near the problem.
  const lines = script.split('\n');
  let index = 0;
  for (let l = 1; l < Number(m[1]) && l <= lines.length; l++) index += lines[l - 1]!.length + 1;
  return { message: m[3]!, index: Math.min(script.length, index + Number(m[2]) - 1) };
}

/** Degraded reading of a script the parser rejects: words split on blanks and on ; & | operators. */
export function fallbackCommands(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let argv: string[] = [];
  let start = -1;
  let end = 0;
  let pipeFrom: number | null = null;
  const flush = (pipe: boolean) => {
    if (argv.length) {
      const i = commands.length;
      commands.push({ argv, assigns: {}, redirects: [], heredoc: null, start: Math.max(start, 0), end, pipeFrom, pipeTo: null, substituted: false, substitutions: [] });
      if (pipeFrom !== null) commands[pipeFrom]!.pipeTo = i;
      pipeFrom = pipe ? i : null;
    } else pipeFrom = null;
    argv = [];
    start = -1;
  };
  const re = /\s*(?:(\|\||&&|;|\||&|\n)|((?:[^\s;&|'"\\]|\\.|'[^']*'?|"(?:[^"\\]|\\.)*"?)+))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(script)) && m[0] !== '') {
    if (m[1]) flush(m[1] === '|');
    else if (m[2]) {
      if (start < 0) start = m.index + m[0].length - m[2].length;
      end = m.index + m[0].length;
      argv.push(m[2].replace(/^'(.*)'?$|^"(.*)"?$/s, (_, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
    }
  }
  flush(false);
  return commands;
}

const SHELLS = /^(sh|bash|dash|ash|zsh|ksh)$/;

/** `sh -c '<script>'`: the script's commands count too, located at the outer command. */
function appendNested(commands: ShellCommand[], argv: string[], start: number, end: number, lookup: Lookup, parse: (src: string) => Go, depth: number): void {
  if (depth >= MAX_DEPTH || argv.length < 3) return;
  if (!SHELLS.test(argv[0]!.slice(argv[0]!.lastIndexOf('/') + 1))) return;
  const c = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
  const script = c > 0 ? argv[c + 1] : undefined;
  if (script === undefined) return;
  const inner = parseScript(script, lookup, parse, depth + 1);
  const base = commands.length;
  for (const ic of inner.commands) {
    commands.push({
      ...ic,
      start,
      end,
      pipeFrom: ic.pipeFrom === null ? null : ic.pipeFrom + base,
      pipeTo: ic.pipeTo === null ? null : ic.pipeTo + base,
      substitutions: ic.substitutions.map((k) => k + base),
    });
  }
}

// The plain subset: simple commands joined by && || | ; & and newlines, with words made of
// literal characters, '…' and "…" strings, $NAME and ${NAME}, leading NAME=value assignments
// and file redirections. It is regular, so it is read here without the Go parser, which costs
// far more per script; anything else (substitutions, here-documents, backslashes, comments,
// reserved words, ${X:-y}…) returns undefined and goes to mvdan/sh. The output is the parser's
// exactly (test/unit/dockerfile/shell.test.ts compares the two on generated scripts).

const RESERVED = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', 'function', 'select',
  'time', 'coproc', '{', '}', '!', '[[', ']]', 'let', 'declare', 'export', 'local', 'readonly', 'typeset', 'nameref',
]);
const PARAM = /\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/y;
const ASSIGN = /[A-Za-z_][A-Za-z0-9_]*(\+?)=/y;
const REDIR = /([0-9]*)(&>>|&>|>>|>&|<&|>|<)/y;
/** Characters that end an unquoted word. */
const DELIM = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>']);
/** Characters the plain subset leaves to the real parser. */
const BAIL = new Set(['\\', '`', '(', ')', '{', '}', '#', '!']);

export function plainCommands(script: string, lookup: Lookup, parse: (src: string) => Go, depth: number): ShellCommand[] | undefined {
  const n = script.length;
  const commands: ShellCommand[] = [];
  let i = 0;
  let argv: string[] = [];
  let assigns: Record<string, string> = {};
  let redirects: Array<{ op: string; target: string }> = [];
  let start = -1;
  let end = 0;
  let pipeFrom: number | null = null;
  let dangling = false;

  const param = (): string | undefined => {
    PARAM.lastIndex = i;
    const m = PARAM.exec(script);
    if (!m) return undefined;
    i = PARAM.lastIndex;
    const v = lookup((m[1] ?? m[2])!);
    return typeof v === 'string' ? v : m[0];
  };

  /** The rest of a word from i; undefined outside the subset. */
  const word = (): string | undefined => {
    let out = '';
    while (i < n) {
      const c = script[i]!;
      if (DELIM.has(c)) break;
      if (BAIL.has(c)) return undefined;
      if (c === "'") {
        const j = script.indexOf("'", i + 1);
        if (j < 0) return undefined;
        out += script.slice(i + 1, j);
        i = j + 1;
      } else if (c === '"') {
        i++;
        for (;;) {
          if (i >= n) return undefined;
          const d = script[i]!;
          if (d === '"') break;
          if (d === '\\' || d === '`') return undefined;
          if (d === '$') {
            const v = param();
            if (v === undefined) return undefined;
            out += v;
          } else {
            out += d;
            i++;
          }
        }
        i++;
      } else if (c === '$') {
        const v = param();
        if (v === undefined) return undefined;
        out += v;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };

  const empty = () => argv.length === 0 && redirects.length === 0 && Object.keys(assigns).length === 0;
  /** End the current command; `pipe`: its output goes to the next one. */
  const finish = (pipe: boolean): boolean => {
    if (empty()) return false;
    if (argv.length === 0 && Object.keys(assigns).length === 0) {
      // A statement of redirections only (`>file`) runs no command; mvdan/sh records none.
      redirects = [];
      start = -1;
      pipeFrom = null;
      return true;
    }
    const k = commands.length;
    commands.push({ argv, assigns, redirects, heredoc: null, start, end, pipeFrom, pipeTo: null, substituted: false, substitutions: [] });
    if (pipeFrom !== null) commands[pipeFrom]!.pipeTo = k;
    appendNested(commands, argv, start, end, lookup, parse, depth);
    pipeFrom = pipe ? k : null;
    argv = [];
    assigns = {};
    redirects = [];
    start = -1;
    return true;
  };

  while (i < n) {
    const c = script[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n') {
      if (!empty()) finish(false);
      i++;
      continue;
    }
    if (c === ';' || c === '&' || c === '|') {
      const two = script.slice(i, i + 2);
      if (two === '&>') {
        // a redirection, read below
      } else if (two === '&&' || two === '||') {
        if (!finish(false)) return undefined;
        dangling = true;
        i += 2;
        continue;
      } else if (two === '|&' || two === ';;' || two === ';&') {
        return undefined;
      } else {
        if (!finish(c === '|')) return undefined;
        dangling = c === '|';
        i++;
        continue;
      }
    }
    const tokenStart = i;
    REDIR.lastIndex = i;
    const r = REDIR.exec(script);
    if (r && (r[1] === '' || tokenStart === i)) {
      i = REDIR.lastIndex;
      const next = script[i];
      if (next === '<' || next === '>' || next === '|' || next === '(' || next === '&') return undefined;
      while (i < n && (script[i] === ' ' || script[i] === '\t')) i++;
      const targetStart = i;
      const target = word();
      if (target === undefined || i === targetStart) return undefined;
      if (start < 0) start = tokenStart;
      end = i;
      redirects.push({ op: r[2]!, target });
      dangling = false;
      continue;
    }
    if (argv.length === 0) {
      ASSIGN.lastIndex = i;
      const a = ASSIGN.exec(script);
      if (a) {
        if (a[1]) return undefined;
        const name = a[0].slice(0, -1);
        i = ASSIGN.lastIndex;
        const value = word();
        if (value === undefined) return undefined;
        if (start < 0) start = tokenStart;
        end = i;
        assigns[name] = value;
        dangling = false;
        continue;
      }
    }
    const w = word();
    if (w === undefined || i === tokenStart) return undefined;
    if (argv.length === 0 && RESERVED.has(script.slice(tokenStart, i))) return undefined;
    if (start < 0) start = tokenStart;
    end = i;
    argv.push(w);
    dangling = false;
  }
  if (!empty()) finish(false);
  else if (dangling) return undefined;
  return commands;
}
