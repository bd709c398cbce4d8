// Subjects built from a Dockerfile: the file and each build stage. Every field the loader fills
// records the span it came from (an instruction, or a word inside one), so any ajv instance path
// resolves to the longest recorded prefix: `/runs/2/commands/1/argv/3` points at that command of
// that RUN. Location pointers are stable field paths keyed by stage name and instruction text
// (`/stages/builder/RUN:1a2b3c4d/commands/1`), so SARIF fingerprints survive lines moving.

import type { InlineSuppression, Location, Subject, Target } from '../../model/types.js';
import { escapeSegment, parsePointer } from '../../util/pointer.js';
import type { SourceText } from './text.js';

export interface Span {
  start: number;
  end: number;
  /** Index of the instruction in the file (-1: the file itself). */
  instr: number;
  /** Pointer below the instruction (e.g. `/HF_TOKEN`, `/commands/2`). */
  sub: string;
}

export interface InstructionInfo {
  keyword: string;
  /** File offsets of the instruction (its text, blanks collapsed, is what the id hashes). */
  start: number;
  end: number;
  /** Stage key (`name` or index) or `global`. */
  stage: string;
}

/** Shared by the subjects of one file: the text, the instructions and their stable ids. */
export class DockerfileFile {
  private ids: string[] | undefined;

  constructor(
    readonly path: string,
    readonly source: SourceText,
    readonly instructions: InstructionInfo[],
  ) {}

  /** `RUN:1a2b3c4d`, with `:2`, `:3`… for repeats of the same text in a stage. */
  instructionId(i: number): string {
    if (!this.ids) {
      const seen = new Map<string, number>();
      this.ids = this.instructions.map((ins) => {
        const base = `${ins.keyword}:${instructionHash(this.source.text, ins.start + ins.keyword.length, ins.end)}`;
        const k = `${ins.stage}\u0000${base}`;
        const n = (seen.get(k) ?? 0) + 1;
        seen.set(k, n);
        return n > 1 ? `${base}:${n}` : base;
      });
    }
    return this.ids[i] ?? '';
  }

  location(span: Span, rest: string): Location {
    const ins = this.instructions[span.instr];
    const pointer = ins ? `/stages/${escapeSegment(ins.stage)}/${this.instructionId(span.instr)}${span.sub}${rest}` : rest || '/';
    return { file: this.path, position: this.source.range(span.start, span.end), pointer };
  }
}

/**
 * FNV-1a of an instruction's arguments with every run of blanks (and line continuations) read
 * as one space, so that re-wrapping or re-indenting an instruction keeps its id.
 */
export function instructionHash(text: string, start: number, end: number): string {
  let h = 0x811c9dc5;
  let blank = false;
  let any = false;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    // A backslash before a line break is a continuation.
    if (c === 92 && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) c = 32;
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      blank = any;
      continue;
    }
    if (blank) {
      h ^= 32;
      h = Math.imul(h, 0x01000193);
      blank = false;
    }
    any = true;
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export class DockerfileSubject implements Subject {
  readonly spans = new Map<string, Span>();
  suppressions?: InlineSuppression[];
  private relatedSpans?: Map<string, Span[]>;

  constructor(
    readonly target: Target,
    readonly data: Record<string, unknown>,
    readonly key: string,
    readonly file: DockerfileFile,
    /** Where findings on the subject as a whole point (a stage's FROM, the file's first line). */
    readonly root: Span,
  ) {}

  span(path: string, span: Span): void {
    this.spans.set(path, span);
  }

  addRelated(path: string, span: Span): void {
    this.relatedSpans ??= new Map();
    const list = this.relatedSpans.get(path) ?? [];
    list.push(span);
    this.relatedSpans.set(path, list);
  }

  locate(instancePath: string): Location {
    let path = instancePath;
    let rest = '';
    for (;;) {
      const span = this.spans.get(path);
      if (span) return this.file.location(span, rest);
      if (path === '') return this.file.location(this.root, rest);
      const i = path.lastIndexOf('/');
      rest = path.slice(i) + rest;
      path = path.slice(0, i);
    }
  }

  related(instancePath: string): Location[] {
    if (!this.relatedSpans) return [];
    const segs = parsePointer(instancePath);
    for (let n = segs.length; n >= 0; n--) {
      const path = segs.slice(0, n).map((s) => `/${escapeSegment(s)}`).join('');
      const spans = this.relatedSpans.get(path);
      if (spans) return spans.map((s) => ({ ...this.file.location(s, ''), message: 'value set here' }));
    }
    return [];
  }
}
