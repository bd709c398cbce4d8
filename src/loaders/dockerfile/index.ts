// Dockerfile → a `dockerfile` subject (the file: global ARGs, every ARG/ENV, the stage list) and
// one `stage` subject per build stage (base image, effective USER, ENV, EXPOSE, HEALTHCHECK,
// RUN/CMD/ENTRYPOINT commands from a real shell parser, COPY/ADD, derived AI facts), plus the
// parse problems (rules.d/input/dockerfile-parse-error.yaml) and the secret values to mask.
//
// Instructions are found by dockerfile-ast; their text is then read the way BuildKit reads it
// (text.ts): continuations joined, variables expanded with BuildKit's scoping (global ARGs only
// in FROM; a stage sees its own ARGs and the ENV it inherits through FROM <stage>), JSON exec
// forms parsed as JSON, shell forms by mvdan/sh (shell.ts).

import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { Problem, Source, Subject } from '../../model/types.js';
import { parseImageRef, type ImageRef } from '../../model/image-ref.js';
import { modelTables } from '../../model/tables.js';
import { aiTables } from '../../model/ai-tables.js';
import type { DataTables } from '../../rules/data.js';
import { binaryOffset, decodeUtf8 } from '../manifests/index.js';
import { baseName, cachedCommandData, shorten, verifies, worldWritableMode } from './commands.js';
import { notebookDisableSwitches, stageComponent } from './components.js';
import { cachedParseScript, fallbackCommands, shellParser, type ShellCommand } from './shell.js';
import { DockerfileFile, DockerfileSubject, type InstructionInfo, type Span } from './subject.js';
import { parsePragma } from './suppressions.js';
import { fileOffset, joinLines, processWord, sliceJoined, SourceText, splitWords, type Joined, type Lookup, type Word } from './text.js';
import type { CommandData, CopyData, DockerfileData, ExecData, RunData, StageData, UserData, VariableData } from './types.js';
import type { InlineSuppression } from '../../model/types.js';
import { copyWith } from '../../util/copy.js';
import { escapeSegment } from '../../util/pointer.js';
import { trimTrailingSlashes } from '../../util/trim.js';
import { maskSecret } from '../../rules/message.js';
import { tableRows } from '../../rules/data.js';

export interface DockerfileLoadResult {
  subjects: Subject[];
  problems: Problem[];
  secrets: string[];
}

const KEYWORDS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);
const FLAGGED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
/** Build arguments BuildKit predefines: their value depends on the build, never known here. */
const PREDEFINED = new Set([
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
  'HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy',
  'BUILDKIT_SYNTAX', 'SOURCE_DATE_EPOCH',
]);
const POSIX_SHELL = /^(sh|bash|dash|ash|zsh|ksh|mksh|busybox)$/;
/** Environment variables copied from stage to stage, in all (real builds copy a few hundred). */
const MAX_INHERITED_VARIABLES = 100_000;
const URL_RE = /^https?:\/\//i;

type Parse = (src: string) => unknown;

export async function loadDockerfileBytes(bytes: Uint8Array, source: Omit<Source, 'docIndex'>, tables: DataTables): Promise<DockerfileLoadResult> {
  const nul = binaryOffset(bytes);
  if (nul >= 0) return failure(source.path, `binary content (NUL byte at offset ${nul}): not a Dockerfile`);
  const decoded = decodeUtf8(bytes);
  if ('invalidAt' in decoded) return failure(source.path, `invalid UTF-8 at byte ${decoded.invalidAt}: not a Dockerfile`);
  return loadDockerfileText(decoded.text, source, tables);
}

function failure(file: string, message: string): DockerfileLoadResult {
  return { subjects: [], problems: [{ code: 'dockerfile-parse-error', message, file, position: { line: 1, column: 1, endLine: 1, endColumn: 1 } }], secrets: [] };
}

export async function loadDockerfileText(raw: string, source: Omit<Source, 'docIndex'>, tables: DataTables): Promise<DockerfileLoadResult> {
  if (!parseFn) {
    const parser = await shellParser();
    parseFn = (s) => parser.Parse(s, '').__internal_object__;
  }
  const parse = parseFn;
  // Lines end in \n for both dockerfile-ast and us; a BOM is not part of line 1.
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return new Builder(text, source.path, tables, parse).build();
}

/** One parse function for the run: the script cache (shell.ts) is kept per parse function. */
let parseFn: Parse | undefined;

interface Ins {
  idx: number;
  node: Instruction;
  keyword: string;
  start: number;
  end: number;
  /** Joined argument text (after the keyword), and its flags. */
  args: Joined;
  flags: Array<{ name: string; value: string; word: Word }>;
  /** Index in args.text where the arguments after the flags start. */
  rest: number;
  stage: StageState | null;
}

interface StageState {
  data: StageData;
  subject: DockerfileSubject;
  fromIns: Ins;
  args: Map<string, string | null>;
  env: Map<string, string>;
  /** Where each effective env variable was set (own or inherited). */
  envSpan: Map<string, Span>;
  userSpan: Span | null;
  cmdIns: Ins | null;
  entrypointIns: Ins | null;
  healthIns: Ins | null;
  exposeAll: Array<{ port: number; endPort: number }>;
  parent: StageState | null;
  key: string;
}

class Builder {
  private readonly src: SourceText;
  private escape: string;
  private readonly problems: Problem[] = [];
  private readonly secrets = new Set<string>();
  private readonly stages: StageState[] = [];
  /** Stages by name (a map: a hostile file with thousands of stages must not cost n²). */
  private readonly stageByName = new Map<string, StageState>();
  private readonly globals = new Map<string, string | null>();
  private readonly variables: VariableData[] = [];
  private readonly varSpans: Span[] = [];
  private readonly infos: InstructionInfo[] = [];
  private readonly file: DockerfileFile;
  private readonly t: ReturnType<typeof modelTables>;
  private readonly ai: ReturnType<typeof aiTables>;
  /** Variable name → named like a credential (names repeat across files: PATH, DEBIAN_FRONTEND…). */
  private readonly secretNames: Map<string, boolean>;

  constructor(
    private readonly text: string,
    private readonly path: string,
    private readonly tables: DataTables,
    private readonly parse: Parse,
  ) {
    this.src = new SourceText(text);
    this.escape = '\\';
    this.file = new DockerfileFile(path, this.src, this.infos);
    this.t = modelTables(tables);
    this.ai = aiTables(tables);
    let names = secretNameCache.get(tables);
    if (!names) secretNameCache.set(tables, (names = new Map()));
    this.secretNames = names;
  }

  private problem(message: string, start: number, end: number, code = 'dockerfile-parse-error'): void {
    this.problems.push({ code, message, file: this.path, position: this.src.range(start, Math.max(end, start + 1)) });
  }

  private span(j: Joined, a: number, b: number, instr: number, sub = ''): Span {
    const start = fileOffset(j, a);
    const end = b > a ? fileOffset(j, b - 1) + 1 : start;
    return { start, end, instr, sub };
  }

  build(): { subjects: Subject[]; problems: Problem[]; secrets: string[] } {
    let df;
    try {
      df = DockerfileParser.parse(this.text);
    } catch (err) {
      return { ...failure(this.path, `cannot parse: ${(err as Error).message}`), secrets: [] };
    }
    this.escape = df.getEscapeCharacter();
    const nodes = df.getInstructions();
    if (nodes.length === 0) {
      this.problem('no instructions: a Dockerfile needs at least a FROM', 0, 0);
      return { subjects: [], problems: this.problems, secrets: [] };
    }
    const list: Ins[] = [];
    for (const node of nodes) {
      const ins = this.read(node, list.length);
      if (ins) list.push(ins);
    }
    const suppressions = this.suppressions(df.getComments(), list);

    let current: StageState | null = null;
    let inherited = 0;
    for (const ins of list) {
      if (ins.keyword === 'FROM') {
        current = this.from(ins);
        // Each stage built FROM another copies its environment: a chain of thousands of stages
        // in a small hostile file would cost memory quadratic in its length.
        inherited += current.env.size;
        if (inherited > MAX_INHERITED_VARIABLES) {
          this.problem(`build stages inherit more than ${MAX_INHERITED_VARIABLES} environment variables in all; the file is not checked past this FROM`, ins.start, ins.end);
          break;
        }
        continue;
      }
      ins.stage = current;
      this.infos[ins.idx]!.stage = current ? current.key : 'global';
      if (!current) {
        if (ins.keyword === 'ARG') this.globalArg(ins);
        else this.problem(`${ins.keyword} before the first FROM: only ARG may come before FROM`, ins.start, ins.end);
        continue;
      }
      this.instruction(ins, current);
    }
    if (!this.stages.length && list.length) this.problem('no FROM instruction: nothing to build', list[0]!.start, list[0]!.end);
    this.finish();

    const subjects: Subject[] = [];
    const fileData: DockerfileData = {
      path: this.path,
      escape: this.escape,
      stageCount: this.stages.length,
      stages: this.stages.map((s) => ({ index: s.data.index, name: s.data.name, image: s.data.from.image, final: s.data.final })),
      variables: this.variables,
    };
    if (!list.length) return { subjects: [], problems: this.problems, secrets: [...this.secrets] };
    const first = list[0]!;
    const fileSubject = new DockerfileSubject('dockerfile', fileData as unknown as Record<string, unknown>, `dockerfile:${this.path}`, this.file, { start: first.start, end: first.end, instr: first.idx, sub: '' });
    this.varSpans.forEach((s, i) => fileSubject.span(`/variables/${i}`, s));
    this.stages.forEach((s, i) => fileSubject.span(`/stages/${i}`, { start: s.fromIns.start, end: s.fromIns.end, instr: s.fromIns.idx, sub: '' }));
    fileSubject.suppressions = suppressions.forLines(0, this.text.length);
    subjects.push(fileSubject);
    for (const s of this.stages) {
      s.subject.suppressions = suppressions.forStage(s);
      subjects.push(s.subject);
    }
    return { subjects, problems: this.problems, secrets: [...this.secrets] };
  }

  // --- reading instructions -----------------------------------------------------------------

  private read(node: Instruction, idx: number): Ins | undefined {
    const r = node.getRange();
    const start = this.src.offset(r.start.line, r.start.character);
    const end = this.src.offset(r.end.line, r.end.character);
    const kw = node.getInstructionRange();
    const kwEnd = this.src.offset(kw.end.line, kw.end.character);
    const keyword = node.getKeyword();
    this.infos[idx] = { keyword, start, end, stage: 'global' };
    if (!KEYWORDS.has(keyword)) {
      // A token pasted on a line of its own reads as an instruction: mask it like any token.
      const word = node.getInstruction();
      if (this.t.tokenValue(word)) for (const m of tokenMatches(word, this.tables)) this.secrets.add(m);
      this.problem(`unknown instruction: ${shorten(word)}`, start, kwEnd);
      return undefined;
    }
    let bodies: Array<[number, number]> = [];
    if ((keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && this.text.slice(kwEnd, end).includes('<<')) {
      bodies = this.heredocBodies(node, end);
    }
    const args = joinLines(this.src, kwEnd, end, this.escape, bodies);
    // Leading blanks between the keyword and the arguments.
    let lead = 0;
    while (lead < args.text.length && (args.text[lead] === ' ' || args.text[lead] === '\t' || args.text[lead] === '\n')) lead++;
    const trimmed = sliceJoined(args, lead);
    const flags: Ins['flags'] = [];
    let rest = 0;
    if (FLAGGED.has(keyword) && trimmed.text.startsWith('--')) {
      for (const w of splitWords(trimmed.text.split('\n', 1)[0]!, this.escape)) {
        if (!w.raw.startsWith('--')) break;
        const eq = w.raw.indexOf('=');
        const name = eq > 0 ? w.raw.slice(2, eq) : w.raw.slice(2);
        const value = eq > 0 ? processWord(w.raw.slice(eq + 1), this.escape, () => undefined).value : '';
        flags.push({ name, value, word: w });
        rest = w.end;
      }
      while (rest < trimmed.text.length && /[ \t]/.test(trimmed.text[rest]!)) rest++;
    }
    return { idx, node, keyword, start, end, args: trimmed, flags, rest, stage: null };
  }

  /** Here-document bodies as [from, to) file offsets; an unterminated one is a problem. */
  private heredocBodies(node: Instruction, end: number): Array<[number, number]> {
    const get = (node as unknown as { getHeredocs?: () => Array<{ getName(): string; getStartRange(): Range; getContentRange(): Range | null; getDelimiterRange(): Range | null }> }).getHeredocs;
    if (!get) return [];
    const out: Array<[number, number]> = [];
    for (const h of get.call(node)) {
      const content = h.getContentRange();
      const delim = h.getDelimiterRange();
      const from = content ?? delim;
      if (!delim) {
        const s = h.getStartRange();
        const a = this.src.offset(s.start.line, s.start.character);
        this.problem(`unterminated here-document <<${h.getName()}: no line "${h.getName()}" ends it`, a, this.src.offset(s.end.line, s.end.character));
      }
      if (!from) continue;
      const a = this.src.lineStarts[from.start.line] ?? end;
      const b = delim ? Math.min(this.src.lineEnd(delim.start.line) + 1, end) : end;
      out.push([a, b]);
    }
    return out.sort((x, y) => x[0] - y[0]);
  }

  private flag(ins: Ins, name: string): Ins['flags'][number] | undefined {
    return ins.flags.find((f) => f.name === name);
  }

  // --- scopes -------------------------------------------------------------------------------

  private globalLookup: Lookup = (name) => (this.globals.has(name) ? this.globals.get(name)! : PREDEFINED.has(name) ? null : undefined);

  private stageLookup(s: StageState): Lookup {
    return (name) => {
      if (s.env.has(name)) return s.env.get(name)!;
      if (s.args.has(name)) return s.args.get(name)!;
      return undefined;
    };
  }

  private runtimeLookup(s: StageState): Lookup {
    return (name) => (s.env.has(name) ? s.env.get(name)! : undefined);
  }

  // --- variables ----------------------------------------------------------------------------

  private addVariable(v: Omit<VariableData, 'secretName' | 'tokenKind' | 'placeholder' | 'display'>, span: Span): VariableData {
    let secretName = this.secretNames.get(v.name);
    if (secretName === undefined) {
      secretName = this.t.secretName(v.name) || this.ai.aiTokenName(v.name);
      this.secretNames.set(v.name, secretName);
    }
    // Every token shape in the secrets table is longer than 12 characters.
    const tokenKind = v.value && v.value.length > 12 ? (this.t.tokenValue(v.value) ?? null) : null;
    // `${X}` references still carry whatever X holds into the image; only dummies are harmless.
    // Flags and counts (`ARG SCCACHE_S3_NO_CREDENTIALS=0`) are not credentials either.
    const placeholder = v.value !== null && !v.value.includes('$') && this.ai.notSecretValue(v.value, v.name);
    const secret = v.value !== null && !placeholder && (secretName || !!tokenKind) && !v.value.includes('$');
    const display = v.value === null ? 'no default: set with --build-arg' : secret ? maskSecret(v.value) : v.value === '' ? "''" : v.value;
    const data: VariableData = copyWith(v, { secretName, tokenKind, placeholder, display });
    if (secret) this.secrets.add(v.value!);
    this.variables.push(data);
    this.varSpans.push(span);
    return data;
  }

  /** `NAME[=value]` words of an ARG; values expanded with `lookup`. */
  private argPairs(ins: Ins, lookup: Lookup, undeclared: 'empty' | 'unknown'): Array<{ name: string; value: string | null; word: Word; nameEnd: number }> {
    const out: Array<{ name: string; value: string | null; word: Word; nameEnd: number }> = [];
    for (const w of splitWords(ins.args.text, this.escape)) {
      const eq = w.raw.indexOf('=');
      const name = eq > 0 ? w.raw.slice(0, eq) : w.raw;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
      const value = eq > 0 ? processWord(w.raw.slice(eq + 1), this.escape, lookup, undeclared).value : null;
      out.push({ name, value, word: w, nameEnd: w.start + name.length });
    }
    return out;
  }

  private globalArg(ins: Ins): void {
    for (const p of this.argPairs(ins, this.globalLookup, 'empty')) {
      this.globals.set(p.name, p.value);
      this.addVariable({ instruction: 'ARG', name: p.name, value: p.value, stage: null }, this.span(ins.args, p.word.start, p.nameEnd, ins.idx, `/${escapeSegment(p.name)}`));
    }
  }

  // --- stages -------------------------------------------------------------------------------

  private from(ins: Ins): StageState {
    const index = this.stages.length;
    const words = splitWords(ins.args.text.slice(ins.rest), this.escape).map((w) => ({ ...w, start: w.start + ins.rest, end: w.end + ins.rest }));
    const imageWord = words[0];
    const raw = imageWord?.raw ?? '';
    if (!imageWord) this.problem('FROM names no image', ins.start, ins.end);
    const expanded = processWord(raw, this.escape, this.globalLookup, 'empty');
    const asIdx = words.findIndex((w, i) => i > 0 && w.raw.toLowerCase() === 'as');
    const nameWord = asIdx > 0 ? words[asIdx + 1] : undefined;
    const name = nameWord ? processWord(nameWord.raw, this.escape, this.globalLookup, 'empty').value.toLowerCase() : null;
    const image = expanded.value;
    const parent = this.stageByName.get(image.toLowerCase()) ?? null;
    const scratch = image.toLowerCase() === 'scratch';
    const platform = this.flag(ins, 'platform');
    const key = name ?? String(index);
    this.infos[ins.idx]!.stage = key;
    const data: StageData = {
      index,
      name,
      final: false,
      shipped: false,
      duplicateName: name !== null && this.stageByName.has(name),
      from: {
        raw,
        image,
        ref: parent || scratch || !image ? null : parseImageRef(image),
        stage: parent ? parent.data.index : null,
        scratch,
        resolved: expanded.resolved,
        platform: platform ? platform.value : null,
      },
      user: parent?.data.user ? { ...parent.data.user, inherited: true } : this.baseUser(parent || scratch || !image || !expanded.resolved ? null : parseImageRef(image)),
      env: [],
      environment: {},
      args: [],
      expose: [],
      healthcheck: parent?.data.healthcheck ? { ...parent.data.healthcheck, inherited: true } : null,
      cmds: [],
      entrypoints: [],
      cmd: null,
      entrypoint: null,
      runs: [],
      commands: [],
      copies: [],
      workdirs: [],
      labels: { ...(parent?.data.labels ?? {}) },
      shell: parent ? [...parent.data.shell] : ['/bin/sh', '-c'],
      component: null,
      trustRemoteCode: [],
      notebookAuthDisabled: [],
    };
    const fromSpan: Span = { start: ins.start, end: ins.end, instr: ins.idx, sub: '' };
    const subject = new DockerfileSubject('stage', data as unknown as Record<string, unknown>, `dockerfile:${this.path}#stage:${key}`, this.file, fromSpan);
    const state: StageState = {
      data,
      subject,
      fromIns: ins,
      args: new Map(),
      env: new Map(parent?.env ?? []),
      envSpan: new Map(parent?.envSpan ?? []),
      userSpan: parent?.userSpan ?? null,
      cmdIns: parent?.cmdIns ?? null,
      entrypointIns: parent?.entrypointIns ?? null,
      healthIns: parent?.healthIns ?? null,
      exposeAll: [...(parent?.exposeAll ?? [])],
      parent,
      key,
    };
    if (imageWord) {
      const imgSpan = this.span(ins.args, imageWord.start, imageWord.end, ins.idx, '/image');
      for (const p of ['/from', '/from/raw', '/from/image', '/from/ref']) subject.span(p, imgSpan);
      // Values that came from ARG defaults: show where they were set.
      for (const m of raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        const vi = this.variables.findLastIndex((v) => v.stage === null && v.name === m[1]);
        if (vi >= 0) subject.addRelated('/from', this.varSpans[vi]!);
      }
    }
    if (platform) subject.span('/from/platform', this.span(ins.args, platform.word.start, platform.word.end, ins.idx, '/platform'));
    if (nameWord) {
      const s = this.span(ins.args, nameWord.start, nameWord.end, ins.idx, '/name');
      subject.span('/name', s);
      subject.span('/duplicateName', s);
    }
    if (parent) {
      if (parent.userSpan) subject.span('/user', parent.userSpan);
      for (const [n, sp] of parent.envSpan) subject.span(`/environment/${escapeSegment(n)}`, sp);
    }
    this.stages.push(state);
    // The first stage of a name is the one FROM and COPY --from refer to.
    if (name !== null && !this.stageByName.has(name)) this.stageByName.set(name, state);
    return state;
  }

  /** The user a well-known base image runs as (rules.d/data/base-images.yaml), else null. */
  private baseUser(ref: ImageRef | null): UserData | null {
    if (!ref || ref.templated) return null;
    const key = `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}`;
    const row = baseImageRows(this.tables).find((r) => r.re.test(key));
    if (!row) return null;
    return { value: row.user, user: row.user, group: null, root: row.root === true, inherited: true };
  }

  private instruction(ins: Ins, s: StageState): void {
    switch (ins.keyword) {
      case 'ARG':
        return this.stageArg(ins, s);
      case 'ENV':
        return this.env(ins, s);
      case 'RUN':
        return this.run(ins, s);
      case 'CMD':
      case 'ENTRYPOINT':
        return this.exec(ins, s);
      case 'HEALTHCHECK':
        return this.healthcheck(ins, s);
      case 'COPY':
      case 'ADD':
        return this.copy(ins, s);
      case 'USER':
        return this.user(ins, s);
      case 'EXPOSE':
        return this.expose(ins, s);
      case 'WORKDIR':
        return this.workdir(ins, s);
      case 'LABEL':
        return this.label(ins, s);
      case 'SHELL':
        return this.shell(ins, s);
      default:
        return;
    }
  }

  private stageArg(ins: Ins, s: StageState): void {
    for (const p of this.argPairs(ins, this.stageLookup(s), 'unknown')) {
      // `ARG NAME` in a stage takes the global default, if any.
      const value = p.value ?? (this.globals.has(p.name) ? this.globals.get(p.name)! : null);
      s.args.set(p.name, value);
      const span = this.span(ins.args, p.word.start, p.nameEnd, ins.idx, `/${escapeSegment(p.name)}`);
      s.subject.span(`/args/${s.data.args.length}`, span);
      s.data.args.push({ name: p.name, value });
      this.addVariable({ instruction: 'ARG', name: p.name, value: p.value, stage: s.data.index }, span);
    }
  }

  private env(ins: Ins, s: StageState): void {
    const lookup = this.stageLookup(s);
    const words = splitWords(ins.args.text, this.escape);
    const pairs: Array<{ name: string; value: string; start: number; nameEnd: number }> = [];
    if (words.length && words[0]!.raw.includes('=')) {
      for (const w of words) {
        const eq = w.raw.indexOf('=');
        if (eq <= 0) continue;
        const name = w.raw.slice(0, eq);
        // Every value is expanded before any is set: `ENV A=1 B=$A` gives B the old A.
        pairs.push({ name, value: processWord(w.raw.slice(eq + 1), this.escape, lookup).value, start: w.start, nameEnd: w.start + eq });
      }
    } else if (words.length) {
      // Legacy `ENV NAME value with spaces`.
      const w = words[0]!;
      const rest = ins.args.text.slice(w.end).trim();
      pairs.push({ name: w.raw, value: processWord(rest, this.escape, lookup).value, start: w.start, nameEnd: w.end });
    }
    for (const p of pairs) {
      const span = this.span(ins.args, p.start, p.nameEnd, ins.idx, `/${escapeSegment(p.name)}`);
      s.subject.span(`/env/${s.data.env.length}`, span);
      s.subject.span(`/environment/${escapeSegment(p.name)}`, span);
      s.data.env.push({ name: p.name, value: p.value, summary: shorten(`${p.name}=${p.value}`) });
      s.env.set(p.name, p.value);
      s.envSpan.set(p.name, span);
      this.addVariable({ instruction: 'ENV', name: p.name, value: p.value, stage: s.data.index }, span);
    }
  }

  /** `["a", "b"]` with each string's range in `text`, or undefined when it is not a JSON string array. */
  private jsonForm(text: string): Array<{ value: string; start: number; end: number }> | undefined {
    const t = text.trim();
    if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) return undefined;
    const out: Array<{ value: string; start: number; end: number }> = [];
    const re = /"(?:[^"\\]|\\.)*"/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) && out.length < parsed.length) out.push({ value: parsed[out.length] as string, start: m.index, end: m.index + m[0].length });
    return out.length === parsed.length ? out : parsed.map((value) => ({ value, start: 0, end: text.length }));
  }

  /**
   * Commands of a shell script starting at `base` in the instruction's joined text. A script
   * that does not parse is read as words (degraded) and noted as a problem.
   */
  private script(ins: Ins, s: StageState, script: string, base: number, lookup: Lookup): { commands: ShellCommand[]; parsed: boolean } {
    const shell = baseName(s.data.shell[0] ?? 'sh');
    if (!POSIX_SHELL.test(shell)) return { commands: fallbackCommands(script), parsed: false };
    const r = cachedParseScript(script, lookup, this.parse as (src: string) => never);
    if (!r.ok && r.error) {
      const at = this.span(ins.args, base + r.error.index, base + r.error.index + 1, ins.idx);
      this.problem(`${ins.keyword}: shell syntax error: ${r.error.message} (checked as plain words)`, at.start, at.end, 'dockerfile-shell-syntax-error');
    }
    return { commands: r.commands, parsed: r.ok };
  }

  private execCommands(argv: string[], lookup: Lookup): ShellCommand[] {
    const c: ShellCommand = { argv, assigns: {}, redirects: [], heredoc: null, start: 0, end: 0, pipeFrom: null, pipeTo: null, substituted: false, substitutions: [] };
    const out = [c];
    // ["sh", "-c", "script"]: the script's commands count too.
    const prog = baseName(argv[0] ?? '');
    const ci = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a));
    if (POSIX_SHELL.test(prog) && ci > 0 && argv[ci + 1] !== undefined) {
      const inner = cachedParseScript(argv[ci + 1]!, lookup, this.parse as (src: string) => never, 1);
      for (const ic of inner.commands) {
        out.push({
          ...ic,
          pipeFrom: ic.pipeFrom === null ? null : ic.pipeFrom + 1,
          pipeTo: ic.pipeTo === null ? null : ic.pipeTo + 1,
          substitutions: ic.substitutions.map((k) => k + 1),
        });
      }
    }
    return out;
  }

  /** Register command spans and add the commands to the stage's flat list. */
  private addCommands(s: StageState, ins: Ins, base: string, list: ShellCommand[], data: CommandData[], offset: number, wholeSpan: boolean): void {
    data.forEach((c, k) => {
      const sc = list[k]!;
      const span = wholeSpan || sc.end <= sc.start ? { start: ins.start, end: ins.end, instr: ins.idx, sub: `/commands/${k}` } : this.span(ins.args, offset + sc.start, offset + sc.end, ins.idx, `/commands/${k}`);
      s.subject.span(`${base}/commands/${k}`, span);
      s.subject.span(`/commands/${s.data.commands.length}`, span);
      s.data.commands.push(c);
      this.maskCommand(c);
    });
  }

  /** Credentials on command lines (`--api-key KEY`, token-shaped words) are masked in output. */
  private maskCommand(c: CommandData): void {
    for (const [name, v] of Object.entries(c.opts)) {
      if (typeof v === 'string' && this.ai.cliSecretFlags.has(name) && !this.ai.notSecretValue(v)) this.secrets.add(v);
    }
    for (const w of c.argv) if (w.length >= 20 && this.t.tokenValue(w)) for (const m of tokenMatches(w, this.tables)) this.secrets.add(m);
    for (const v of Object.values(c.assigns)) if (v.length >= 20 && this.t.tokenValue(v)) for (const m of tokenMatches(v, this.tables)) this.secrets.add(m);
  }

  private run(ins: Ins, s: StageState): void {
    const i = s.data.runs.length;
    const base = `/runs/${i}`;
    const lookup = this.stageLookup(s);
    const rest = ins.args.text.slice(ins.rest);
    const mounts = ins.flags.filter((f) => f.name === 'mount').map((f) => mountOptions(f.value));
    const run: RunData = {
      form: 'shell',
      text: rest,
      summary: shorten(`RUN ${rest}`),
      argv: null,
      commands: [],
      mounts,
      network: this.flag(ins, 'network')?.value ?? null,
      security: this.flag(ins, 'security')?.value ?? null,
      parsed: true,
      verifies: false,
    };
    s.subject.span(base, { start: ins.start, end: ins.end, instr: ins.idx, sub: '' });
    ins.flags.filter((f) => f.name === 'mount').forEach((f, m) => s.subject.span(`${base}/mounts/${m}`, this.span(ins.args, f.word.start, f.word.end, ins.idx, `/mounts/${m}`)));
    let list: ShellCommand[];
    let offset = ins.rest;
    let whole = false;
    const json = this.jsonForm(rest);
    const heredocOnly = /^<<-?\s*(["']?)([A-Za-z0-9_.-]+)\1[ \t]*(\n|$)/.exec(rest);
    if (json) {
      run.form = 'exec';
      run.argv = json.map((j) => j.value);
      list = this.execCommands(run.argv, () => undefined);
      whole = true;
    } else if (heredocOnly) {
      run.form = 'heredoc';
      const nl = rest.indexOf('\n');
      let body = nl < 0 ? '' : rest.slice(nl + 1);
      body = body.replace(/(^|\n)[^\n]*\n?$/, '$1');
      if (rest.startsWith('<<-')) body = body.replace(/^\t+/gm, '');
      const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(body);
      const interp = shebang ? baseName(shebang[1]!) === 'env' && shebang[2] ? shebang[2] : baseName(shebang[1]!) : undefined;
      if (interp && !POSIX_SHELL.test(interp)) {
        list = [{ argv: [interp], assigns: {}, redirects: [], heredoc: body, start: 0, end: 0, pipeFrom: null, pipeTo: null, substituted: false, substitutions: [] }];
        whole = true;
      } else {
        offset = ins.rest + nl + 1;
        const r = this.script(ins, s, body, offset, lookup);
        list = r.commands;
        run.parsed = r.parsed;
      }
    } else {
      const r = this.script(ins, s, rest, ins.rest, lookup);
      list = r.commands;
      run.parsed = r.parsed;
    }
    run.commands = cachedCommandData(list, { in: 'RUN', run: i }, s.env);
    run.verifies = run.commands.some(verifies);
    s.data.runs.push(run);
    this.addCommands(s, ins, base, list, run.commands, offset, whole);
  }

  private execData(ins: Ins, s: StageState, text: string, offset: number, where: CommandData['in']): { data: ExecData; list: ShellCommand[]; whole: boolean; offset: number } {
    const json = this.jsonForm(text);
    const lookup = this.runtimeLookup(s);
    if (json) {
      const argv = json.map((j) => j.value);
      const list = this.execCommands(argv, lookup);
      return { data: { keyword: where as ExecData['keyword'], form: 'exec', text, summary: shorten(`${where} ${text}`), argv, commands: cachedCommandData(list, { in: where, run: null }, s.env), overridden: false }, list, whole: true, offset };
    }
    const r = this.script(ins, s, text, offset, lookup);
    const argv = [...s.data.shell, text];
    return { data: { keyword: where as ExecData['keyword'], form: 'shell', text, summary: shorten(`${where} ${text}`), argv, commands: cachedCommandData(r.commands, { in: where, run: null }, s.env), overridden: false }, list: r.commands, whole: false, offset };
  }

  private exec(ins: Ins, s: StageState): void {
    const kw = ins.keyword as 'CMD' | 'ENTRYPOINT';
    const field = kw === 'CMD' ? 'cmds' : 'entrypoints';
    const i = s.data[field].length;
    const base = `/${field}/${i}`;
    const r = this.execData(ins, s, ins.args.text, 0, kw);
    s.data[field].push(r.data);
    s.subject.span(base, { start: ins.start, end: ins.end, instr: ins.idx, sub: '' });
    this.addCommands(s, ins, base, r.list, r.data.commands, r.offset, r.whole);
    if (kw === 'CMD') s.cmdIns = ins;
    else {
      s.entrypointIns = ins;
      // Setting ENTRYPOINT clears a CMD inherited from the base (Docker's rule).
      if (!s.data.cmds.length) s.cmdIns = null;
    }
  }

  private healthcheck(ins: Ins, s: StageState): void {
    const rest = ins.args.text.slice(ins.rest);
    const sub = /^(\S+)\s*/.exec(rest);
    const word = sub?.[1]?.toUpperCase();
    s.healthIns = ins;
    s.subject.span('/healthcheck', { start: ins.start, end: ins.end, instr: ins.idx, sub: '' });
    if (word === 'NONE' || !sub) {
      s.data.healthcheck = { none: true, argv: [], inherited: false };
      return;
    }
    const offset = ins.rest + sub[0].length;
    const r = this.execData(ins, s, rest.slice(sub[0].length), offset, 'HEALTHCHECK');
    s.data.healthcheck = { none: false, argv: r.data.argv, inherited: false };
    this.addCommands(s, ins, '/healthcheck', r.list, r.data.commands, r.offset, r.whole);
  }

  private copy(ins: Ins, s: StageState): void {
    const i = s.data.copies.length;
    const base = `/copies/${i}`;
    const lookup = this.stageLookup(s);
    const rest = ins.args.text.slice(ins.rest);
    const firstLine = rest.split('\n', 1)[0]!;
    const json = this.jsonForm(firstLine);
    const words: Array<{ value: string; start: number; end: number }> = json
      ? json.map((j) => ({ value: j.value, start: j.start + ins.rest, end: j.end + ins.rest }))
      : splitWords(firstLine, this.escape).map((w) => ({ value: processWord(w.raw, this.escape, lookup).value, start: w.start + ins.rest, end: w.end + ins.rest }));
    const heredoc = words.some((w) => w.value.startsWith('<<'));
    const srcWords = words.slice(0, -1).filter((w) => !w.value.startsWith('<<'));
    const dest = words.length > 1 || heredoc ? (words[words.length - 1]?.value ?? '') : '';
    const fromFlag = this.flag(ins, 'from');
    const chmod = this.flag(ins, 'chmod');
    const fromValue = fromFlag ? processWord(fromFlag.word.raw.slice(fromFlag.word.raw.indexOf('=') + 1), this.escape, lookup) : undefined;
    const data: CopyData = {
      instruction: ins.keyword as 'COPY' | 'ADD',
      summary: shorten(`${ins.keyword} ${ins.args.text.split('\n', 1)[0]}`),
      sources: srcWords.map((w) => ({
        path: w.value,
        url: URL_RE.test(w.value),
        git: /^git@|^git:\/\/|\.git(#.*)?$/.test(w.value),
        name: baseName(trimTrailingSlashes(w.value)),
        pickle: this.isPickle(w.value),
        secretKind: this.secretFile(w.value, dest),
      })),
      dest,
      from: fromValue ? this.copyFrom(fromValue.value, fromValue.resolved, s) : null,
      chmod: chmod ? chmod.value : null,
      chown: this.flag(ins, 'chown')?.value ?? null,
      checksum: this.flag(ins, 'checksum')?.value ?? null,
      link: !!this.flag(ins, 'link'),
      heredoc,
      worldWritable: !!chmod && worldWritableMode(chmod.value),
    };
    s.data.copies.push(data);
    s.subject.span(base, { start: ins.start, end: ins.end, instr: ins.idx, sub: '' });
    srcWords.forEach((w, j) => s.subject.span(`${base}/sources/${j}`, this.span(ins.args, w.start, w.end, ins.idx, `/sources/${j}`)));
    for (const f of ins.flags) s.subject.span(`${base}/${f.name}`, this.span(ins.args, f.word.start, f.word.end, ins.idx, `/${f.name}`));
    if (chmod) s.subject.span(`${base}/worldWritable`, this.span(ins.args, chmod.word.start, chmod.word.end, ins.idx, '/chmod'));
  }

  /** Pickle weights by extension; `.bin` only when the name says model (firmware and other blobs are .bin too). */
  private isPickle(path: string): boolean {
    if (!this.ai.pickleExtension?.test(path)) return false;
    return !/\.bin$/i.test(path) || /model|pytorch|weights|ckpt|checkpoint/i.test(path);
  }

  /** The credential file a COPY/ADD source is (by its name, or by where it lands). */
  private secretFile(src: string, dest: string): string | null {
    const rows = secretFileRows(this.tables);
    const name = baseName(trimTrailingSlashes(src));
    const candidates = [`/${src.replace(/^\.?\/+/, '')}`];
    if (dest && !dest.endsWith('/')) candidates.push(dest.startsWith('/') ? dest : `/${dest}`);
    else if (dest) candidates.push(`${dest.startsWith('/') ? '' : '/'}${dest}${name}`);
    for (const c of candidates) {
      const row = rows.find((r) => r.re.test(c) && !(r.exclude && r.exclude.test(c)));
      if (row) return row.kind;
    }
    return null;
  }

  /** `--from=`: an earlier stage by name or index, this stage, a later one, or an image. */
  private copyFrom(value: string, resolved: boolean, s: StageState): CopyData['from'] {
    if (!resolved) return { value, kind: 'unresolved', stage: null };
    const v = value.toLowerCase();
    const byName = this.stageByName.get(v);
    if (byName) return { value, kind: byName === s ? 'self' : 'stage', stage: byName.data.index };
    if (/^\d+$/.test(v)) {
      const n = Number(v);
      if (n < s.data.index) return { value, kind: 'stage', stage: n };
      return { value, kind: n === s.data.index ? 'self' : 'later', stage: null };
    }
    // Names defined further down are not visible yet; anything that looks like a reference is an image.
    if (/[:/@.]/.test(v)) return { value, kind: 'image', stage: null };
    return { value, kind: 'undefined', stage: null };
  }

  private user(ins: Ins, s: StageState): void {
    const words = splitWords(ins.args.text, this.escape);
    if (!words.length) {
      this.problem('USER names no user', ins.start, ins.end);
      return;
    }
    const e = processWord(words[0]!.raw, this.escape, this.stageLookup(s));
    const [user, group] = e.value.split(':', 2) as [string, string | undefined];
    const data: UserData = {
      value: e.value,
      user,
      group: group ?? null,
      root: e.resolved ? user === 'root' || /^0+$/.test(user) : null,
      inherited: false,
    };
    s.data.user = data;
    s.userSpan = { start: ins.start, end: ins.end, instr: ins.idx, sub: '' };
    s.subject.span('/user', s.userSpan);
  }

  private expose(ins: Ins, s: StageState): void {
    for (const w of splitWords(ins.args.text, this.escape)) {
      const e = processWord(w.raw, this.escape, this.stageLookup(s));
      if (!e.resolved) continue;
      const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(e.value);
      if (!m) {
        this.problem(`EXPOSE: "${e.value}" is not a port, a port range or port/protocol`, fileOffset(ins.args, w.start), fileOffset(ins.args, w.end - 1) + 1);
        continue;
      }
      const port = Number(m[1]);
      const endPort = m[2] ? Number(m[2]) : port;
      s.subject.span(`/expose/${s.data.expose.length}`, this.span(ins.args, w.start, w.end, ins.idx, `/${escapeSegment(e.value)}`));
      s.data.expose.push({ port, endPort, protocol: (m[3] ?? 'tcp').toLowerCase(), raw: w.raw });
      s.exposeAll.push({ port, endPort });
    }
  }

  private workdir(ins: Ins, s: StageState): void {
    const e = processWord(ins.args.text.trim(), this.escape, this.stageLookup(s));
    const absolute = !e.resolved && !/^[/\\]|^[A-Za-z]:/.test(e.value) ? null : /^[/\\]|^[A-Za-z]:[\\/]/.test(e.value);
    s.subject.span(`/workdirs/${s.data.workdirs.length}`, { start: ins.start, end: ins.end, instr: ins.idx, sub: '' });
    s.data.workdirs.push({ path: e.value, absolute });
  }

  private label(ins: Ins, s: StageState): void {
    const lookup = this.stageLookup(s);
    for (const w of splitWords(ins.args.text, this.escape)) {
      const eq = w.raw.indexOf('=');
      if (eq <= 0) continue;
      const key = processWord(w.raw.slice(0, eq), this.escape, lookup).value;
      s.data.labels[key] = processWord(w.raw.slice(eq + 1), this.escape, lookup).value;
      s.subject.span(`/labels/${escapeSegment(key)}`, this.span(ins.args, w.start, w.end, ins.idx, `/${escapeSegment(key)}`));
    }
  }

  private shell(ins: Ins, s: StageState): void {
    const json = this.jsonForm(ins.args.text);
    if (!json || !json.length) {
      this.problem('SHELL needs the JSON form, e.g. SHELL ["/bin/bash", "-c"]', ins.start, ins.end);
      return;
    }
    s.data.shell = json.map((j) => j.value);
    s.subject.span('/shell', { start: ins.start, end: ins.end, instr: ins.idx, sub: '' });
  }

  // --- after the last instruction ----------------------------------------------------------

  private finish(): void {
    const last = this.stages[this.stages.length - 1];
    if (last) last.data.final = true;
    for (let s: StageState | null | undefined = last; s; s = s.parent) s.data.shipped = true;
    const notebook = notebookDisableSwitches(this.tables);
    for (const s of this.stages) {
      const d = s.data;
      d.cmds.forEach((c, i) => (c.overridden = i < d.cmds.length - 1));
      d.entrypoints.forEach((c, i) => (c.overridden = i < d.entrypoints.length - 1));
      d.cmd = d.cmds[d.cmds.length - 1] ?? (s.cmdIns && s.parent ? s.parent.data.cmd : null);
      d.entrypoint = d.entrypoints[d.entrypoints.length - 1] ?? (s.entrypointIns && s.parent ? s.parent.data.entrypoint : null);
      if (d.cmd && s.cmdIns) s.subject.span('/cmd', { start: s.cmdIns.start, end: s.cmdIns.end, instr: s.cmdIns.idx, sub: '' });
      if (d.entrypoint && s.entrypointIns) s.subject.span('/entrypoint', { start: s.entrypointIns.start, end: s.entrypointIns.end, instr: s.entrypointIns.idx, sub: '' });
      if (d.healthcheck?.inherited && s.healthIns) s.subject.span('/healthcheck', { start: s.healthIns.start, end: s.healthIns.end, instr: s.healthIns.idx, sub: '' });
      d.environment = Object.fromEntries(s.env);
      this.aiFacts(s, notebook);
    }
  }

  private aiFacts(s: StageState, notebook: ReturnType<typeof notebookDisableSwitches>): void {
    const d = s.data;
    const subject = s.subject;
    // The image's command line, word by word, each word located at its instruction.
    const argv: Array<{ word: string; path: string }> = [];
    if (d.entrypoint) for (const w of d.entrypoint.form === 'exec' ? d.entrypoint.argv : d.entrypoint.commands.flatMap((c) => c.argv)) argv.push({ word: w, path: '/entrypoint' });
    if (d.cmd) for (const w of d.cmd.form === 'exec' ? d.cmd.argv : d.cmd.commands.flatMap((c) => c.argv)) argv.push({ word: w, path: '/cmd' });
    // `sh -c "server --flag"`: the script's words count as the command line.
    const words = argv.flatMap((a) => (/\s/.test(a.word) && argv.some((b) => POSIX_SHELL.test(baseName(b.word))) ? a.word.split(/\s+/).filter(Boolean).map((w) => ({ word: w.replace(/^(['"])(.*)\1$/, '$2'), path: a.path })) : [a]));
    const env = new Map<string, { value: string; path: string }>();
    for (const [name, value] of s.env) env.set(name, { value, path: `/environment/${escapeSegment(name)}` });
    const ref = d.from.ref;
    const component = stageComponent(this.tables, {
      imageKey: ref && !ref.templated ? `${ref.registry}/${ref.repository}` : null,
      argv: words,
      env,
      expose: s.exposeAll,
      inherited: s.parent?.data.component ? { id: s.parent.data.component.id } : null,
    });
    d.component = component;
    if (component) {
      subject.span('/component', subject.spans.get(component.matchedBy === 'image' ? '/from' : component.matchedBy === 'command' ? (d.entrypoint ? '/entrypoint' : '/cmd') : '/from') ?? subject.root);
      component.listen.forEach((l, i) => {
        const sp = subject.spans.get(l.path);
        if (!sp) return;
        subject.span(`/component/listen/${i}`, sp);
        if (i === 0) subject.span('/component/listen', sp);
      });
      const exposeSpan = subject.spans.get('/expose/0');
      if (exposeSpan) subject.span('/component/exposed', exposeSpan);
    }

    // trust_remote_code, from the model supply-chain table.
    const trc = anyRegex(this.ai.trustRemoteCodeArgv);
    const lines = d.commands.map((c) => c.argv.join(' '));
    d.commands.forEach((c, i) => {
      const line = lines[i]!;
      const hit = trc.test(line) || (c.heredoc !== null && trc.test(c.heredoc));
      if (!hit) return;
      subject.span(`/trustRemoteCode/${d.trustRemoteCode.length}`, subject.spans.get(`/commands/${i}`) ?? subject.root);
      d.trustRemoteCode.push({ via: c.in, setting: line.length > 120 ? `${line.slice(0, 119)}…` : line });
    });
    d.env.forEach((e, i) => {
      if (!this.ai.trustRemoteCodeEnv.has(e.name) || !this.ai.isTrue(e.value)) return;
      subject.span(`/trustRemoteCode/${d.trustRemoteCode.length}`, subject.spans.get(`/env/${i}`)!);
      d.trustRemoteCode.push({ via: 'ENV', setting: `${e.name}=${e.value}` });
    });

    // Notebook authentication switched off: flags, env, or a config file a RUN writes.
    const notebookArgv = anyRegex(notebook.argv);
    const notebookConfig = anyRegex(notebook.config);
    const notebookFlags = new Set(notebook.flags.map((f) => f.name));
    d.commands.forEach((c, i) => {
      let named = false;
      for (const k in c.opts) if (notebookFlags.has(k)) named = true;
      if (named) for (const f of notebook.flags) {
        const v = c.opts[f.name];
        if (v === undefined) continue;
        const value = v === true ? 'true' : v;
        if (f.value ? !f.value.test(value) : value === '') continue;
        subject.span(`/notebookAuthDisabled/${d.notebookAuthDisabled.length}`, subject.spans.get(`/commands/${i}`) ?? subject.root);
        d.notebookAuthDisabled.push({ via: c.in, setting: `${f.name}=${value === '' ? "''" : value}` });
      }
      const line = lines[i]!;
      if (notebookArgv.test(line)) {
        for (const re of notebook.argv) {
          const m = re.exec(line);
          if (!m) continue;
          subject.span(`/notebookAuthDisabled/${d.notebookAuthDisabled.length}`, subject.spans.get(`/commands/${i}`) ?? subject.root);
          d.notebookAuthDisabled.push({ via: c.in, setting: m[0] });
          break;
        }
      }
      // A config file is written through a redirection, a here-document or tee.
      if (c.in !== 'RUN' || (c.heredoc === null && !c.redirects.length && c.program !== 'tee')) return;
      const written = `${line}\n${c.heredoc ?? ''}`;
      if (!notebookConfig.test(written)) return;
      for (const re of notebook.config) {
        const m = re.exec(written);
        if (!m) continue;
        subject.span(`/notebookAuthDisabled/${d.notebookAuthDisabled.length}`, subject.spans.get(`/commands/${i}`) ?? subject.root);
        d.notebookAuthDisabled.push({ via: 'config', setting: m[0] });
        break;
      }
    });
    d.env.forEach((e, i) => {
      for (const f of notebook.env) {
        if (f.name !== e.name || (f.value ? !f.value.test(e.value) : e.value === '')) continue;
        subject.span(`/notebookAuthDisabled/${d.notebookAuthDisabled.length}`, subject.spans.get(`/env/${i}`)!);
        d.notebookAuthDisabled.push({ via: 'ENV', setting: `${e.name}=${e.value === '' ? "''" : e.value}` });
      }
    });
  }

  // --- suppressions -------------------------------------------------------------------------

  private suppressions(comments: Array<{ getRange(): Range; getContent(): string }>, list: Ins[]) {
    const lineSups: Array<{ s: InlineSuppression; start: number; end: number }> = [];
    const fileSups: InlineSuppression[] = [];
    const startsByLine = new Map<number, Ins>();
    for (const ins of list) startsByLine.set(this.src.point(ins.start).line, ins);
    for (const c of comments) {
      const r = c.getRange();
      const a = this.src.offset(r.start.line, r.start.character);
      const b = this.src.offset(r.end.line, r.end.character);
      const p = parsePragma(this.text.slice(a, b));
      if (!p) continue;
      const location = { file: this.path, position: this.src.range(a, b), pointer: `/comments/${r.start.line + 1}` };
      const ids = p.ruleIds.length ? p.ruleIds : [''];
      if (p.scope === 'file') {
        for (const id of ids) fileSups.push({ ruleId: id, reason: p.reason, location });
        continue;
      }
      // The instruction this comment block sits on: the next line that starts an instruction,
      // with only comment lines in between.
      let line = r.start.line + 2;
      let target: Ins | undefined;
      for (; line <= this.src.lineStarts.length; line++) {
        target = startsByLine.get(line);
        if (target) break;
        const lineText = this.text.slice(this.src.lineStarts[line - 1]!, this.src.lineEnd(line - 1)).trim();
        if (!lineText.startsWith('#')) break;
      }
      if (!target) {
        for (const id of ids) fileSups.push({ ruleId: id, reason: p.reason, location, lines: { start: 0, end: 0 } });
        continue;
      }
      const t = target;
      const lines = { start: this.src.point(t.start).line, end: this.src.point(Math.max(t.start, t.end - 1)).line };
      for (const id of ids) lineSups.push({ s: { ruleId: id, reason: p.reason, location, lines }, start: t.start, end: t.end });
    }
    return {
      forLines: (start: number, end: number): InlineSuppression[] => [...fileSups, ...lineSups.filter((l) => l.start >= start && l.start < end).map((l) => l.s)],
      forStage: (s: StageState): InlineSuppression[] => {
        const next = this.stages[s.data.index + 1];
        const start = s.fromIns.start;
        const end = next ? next.fromIns.start : this.text.length;
        // A stage's findings can point at inherited instructions (USER, ENV of a parent stage).
        const parents: StageState[] = [];
        for (let p = s.parent; p; p = p.parent) parents.push(p);
        const inRange = (l: { start: number }) =>
          (l.start >= start && l.start < end) ||
          parents.some((p) => {
            const pend = this.stages[p.data.index + 1]?.fromIns.start ?? this.text.length;
            return l.start >= p.fromIns.start && l.start < pend;
          });
        return [...fileSups, ...lineSups.filter(inRange).map((l) => l.s)];
      },
    };
  }
}

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** `type=secret,id=hf,target=/run/secrets/hf` → { type: secret, id: hf, target: … }. */
export function mountOptions(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) out[part.trim()] = 'true';
    else out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  out.type ??= 'bind';
  return out;
}

const tokenCache = new WeakMap<DataTables, RegExp[]>();

/** Every token-shaped substring of a word (for masking). */
function tokenMatches(word: string, tables: DataTables): string[] {
  let res = tokenCache.get(tables);
  if (!res) {
    res = tableRows<{ pattern: string }>(tables, 'secrets', 'tokenPatterns').map((t) => new RegExp(t.pattern, 'g'));
    tokenCache.set(tables, res);
  }
  const out: string[] = [];
  for (const re of res) for (const m of word.matchAll(re)) out.push(m[0]);
  return out;
}

const secretFileCache = new WeakMap<DataTables, Array<{ kind: string; re: RegExp; exclude?: RegExp }>>();

/** Credential files known by name alone (rows that need the file's content are left out). */
function secretFileRows(tables: DataTables): Array<{ kind: string; re: RegExp; exclude?: RegExp }> {
  let rows = secretFileCache.get(tables);
  if (!rows) {
    rows = tableRows<{ kind: string; pattern: string; exclude?: string; contains?: string }>(tables, 'image-files', 'secretFiles')
      .filter((r) => !r.contains)
      .map((r) => ({ kind: r.kind, re: new RegExp(r.pattern), exclude: r.exclude ? new RegExp(r.exclude) : undefined }));
    secretFileCache.set(tables, rows);
  }
  return rows;
}


const baseImageCache = new WeakMap<DataTables, Array<{ re: RegExp; user: string; root?: boolean }>>();

function baseImageRows(tables: DataTables): Array<{ re: RegExp; user: string; root?: boolean }> {
  let rows = baseImageCache.get(tables);
  if (!rows) {
    rows = tableRows<{ pattern: string; user: string; root?: boolean }>(tables, 'base-images', 'defaultUsers').map((r) => ({ re: new RegExp(r.pattern), user: r.user, root: r.root }));
    baseImageCache.set(tables, rows);
  }
  return rows;
}

const anyCache = new WeakMap<RegExp[], RegExp>();
const secretNameCache = new WeakMap<DataTables, Map<string, boolean>>();

/** One regular expression matching what any of `list` matches (built once per list). */
function anyRegex(list: RegExp[]): RegExp {
  let re = anyCache.get(list);
  if (!re) {
    // Back-references would change meaning once the groups are renumbered: test one by one then.
    re = list.some((r) => /\\[1-9]|\(\?</.test(r.source) || r.flags) ? { test: (s: string) => list.some((r) => r.test(s)) } as RegExp : list.length ? new RegExp(list.map((r) => `(?:${r.source})`).join('|')) : /(?!)/;
    anyCache.set(list, re);
  }
  return re;
}
