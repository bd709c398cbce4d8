// Command-line paths → inputs, each with the loader that reads it. Directories are walked
// recursively (never following symlinked directories, so loops cannot occur); globs are matched
// with picomatch; `-` is standard input.

import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { AigisError } from '../util/errors.js';

export type InputKind = 'manifest' | 'dockerfile' | 'image';

export interface Input {
  kind: InputKind;
  /** Path as the user would write it (relative to the working directory when under it), or `-`. */
  path: string;
  /** Named on the command line rather than found in a directory. */
  explicit: boolean;
  /** Absolute path to read (`path` is for display; the scan's cwd need not be the process's). */
  abs?: string;
}

export interface DiscoverOptions {
  /** Kind of standard input (`--stdin-type`). */
  stdinKind?: InputKind;
  /** Globs (relative to the working directory) of paths to leave out. */
  exclude?: string[];
  cwd?: string;
}

export interface Discovery {
  inputs: Input[];
  errors: AigisError[];
  /** Files passed over (Helm chart templates, excluded paths, other file types in explicit dirs). */
  skipped: Array<{ path: string; reason: string }>;
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const IMAGE_EXT = /\.(tar|tar\.gz|tgz|oci)$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.* */
export function isDockerfileName(name: string): boolean {
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(Dockerfile|Containerfile)$/i.test(name);
}

export function classify(file: string, explicit: boolean): InputKind | undefined {
  const base = path.basename(file);
  if (isDockerfileName(base)) return 'dockerfile';
  if (MANIFEST_EXT.test(base)) return 'manifest';
  if (IMAGE_EXT.test(base)) return explicit ? 'image' : undefined;
  return explicit ? 'manifest' : undefined;
}

function display(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function isGlob(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

export function discover(paths: string[], options: DiscoverOptions = {}): Discovery {
  const cwd = options.cwd ?? process.cwd();
  const out: Discovery = { inputs: [], errors: [], skipped: [] };
  const excluded = options.exclude?.length ? picomatch(options.exclude, { dot: true }) : undefined;
  const seen = new Set<string>();
  const isExcluded = (abs: string) => !!excluded && excluded(display(abs, cwd).split(path.sep).join('/'));

  const add = (abs: string, kind: InputKind, explicit: boolean) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.inputs.push({ kind, path: display(abs, cwd), explicit, abs });
  };

  const walk = (dir: string, filter?: (rel: string) => boolean, root = dir) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      out.errors.push(new AigisError(`cannot read directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: display(dir, cwd) }));
      return;
    }
    if (entries.some((e) => e.name === 'oci-layout' && e.isFile()) && !filter) {
      add(dir, 'image', false);
      return;
    }
    const chart = entries.some((e) => e.name === 'Chart.yaml' && e.isFile());
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(dir, e.name);
      if (isExcluded(abs)) {
        out.skipped.push({ path: display(abs, cwd), reason: 'excluded' });
        continue;
      }
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name)) continue;
        if (chart && (e.name === 'templates' || e.name === 'charts')) {
          out.skipped.push({ path: display(abs, cwd), reason: CHART_SOURCES });
          continue;
        }
        walk(abs, filter, root);
      } else if (e.isFile() || (e.isSymbolicLink() && isFile(abs))) {
        if (filter && !filter(path.relative(root, abs).split(path.sep).join('/'))) continue;
        const kind = classify(e.name, false);
        if (kind) add(abs, kind, false);
      } else if (!e.isSymbolicLink() || !isDirectory(abs)) {
        // A FIFO, device or socket (reading it could block or never end), or a dangling or
        // looping link, named like an input: counted as skipped, never opened.
        if (filter && !filter(path.relative(root, abs).split(path.sep).join('/'))) continue;
        if (classify(e.name, false)) out.skipped.push({ path: display(abs, cwd), reason: NOT_REGULAR });
      }
    }
  };

  for (const p of paths) {
    if (p === '-') {
      out.inputs.push({ kind: options.stdinKind ?? 'manifest', path: '-', explicit: true });
      continue;
    }
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats | undefined;
    let statError: string | undefined;
    try {
      stat = fs.statSync(abs);
    } catch (err) {
      stat = undefined;
      statError = (err as NodeJS.ErrnoException).code;
    }
    if (stat?.isDirectory()) {
      walk(abs);
    } else if (stat?.isFile()) {
      const kind = classify(abs, true)!;
      // Named one by one (pre-commit passes every changed file), chart templates are still
      // templates: skip them as the directory walk does.
      if (kind === 'manifest' && inChartSources(abs)) out.skipped.push({ path: display(abs, cwd), reason: CHART_SOURCES });
      else add(abs, kind, true);
    } else if (isGlob(p)) {
      const base = globBase(p);
      const matcher = picomatch(p.slice(base.length).replace(/^\//, ''), { dot: false });
      const before = out.inputs.length;
      if (fs.existsSync(path.resolve(cwd, base || '.'))) walk(path.resolve(cwd, base || '.'), matcher);
      if (out.inputs.length === before) out.errors.push(new AigisError('no files match this pattern', { file: p }));
    } else if (stat) {
      out.errors.push(new AigisError('not a regular file or directory (a device, FIFO or socket): not read', { file: p }));
    } else {
      out.errors.push(new AigisError(statError === 'ELOOP' ? 'symbolic link loop' : statError && statError !== 'ENOENT' ? `cannot read: ${statError}` : 'no such file or directory', { file: p }));
    }
  }
  return out;
}

const CHART_SOURCES = 'Helm chart templates: render them with `helm template` and scan the output';
const NOT_REGULAR = 'not a regular file (a device, FIFO, socket, or a dangling or looping link): not read';

/** Inside `templates/` or `charts/` of a folder holding Chart.yaml. */
function inChartSources(file: string): boolean {
  for (let dir = path.dirname(file); ; ) {
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    const base = path.basename(dir);
    if ((base === 'templates' || base === 'charts') && isFile(path.join(parent, 'Chart.yaml'))) return true;
    dir = parent;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The leading path segments of a glob that hold no pattern characters. */
function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (isGlob(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}
