// Fail closed: an input that cannot be read or parsed never yields exit 0 with "no findings".
// A file that does not parse is a finding of a rule in rules.d/input/ (so --fail-on, config
// re-grading and suppressions apply to it like to any finding); a file that cannot be read at
// all (too large, not a regular file, not an archive) is an input error: exit 2 whatever
// --fail-on says. Every report format shows both, and the summary counts them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { aigis } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-fail-closed-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const put = (name: string, data: string | Buffer) => fs.writeFileSync(path.join(dir, name), data);

// Line 3 opens a flow map that never closes; the parser notices at line 4, column 1.
put('broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: {}\n');
put('good.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n');
put('big.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: ${'x'.repeat(200)}\n`);
put('empty.yaml', '# nothing but a comment\n');
put('binary.yaml', Buffer.from([0x61, 0x3a, 0x20, 0x00, 0x01, 0x02]));
put('latin1.yaml', Buffer.from('name: caf\xe9\n', 'latin1'));
put('not-an-image.tar', 'this is not a tar file\n'.repeat(40));
put('Dockerfile.binary', Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x00, 0xff]));

const scan = (...args: string[]) => aigis(['scan', ...args], { cwd: dir });
const summary = (stdout: string) => stdout.trimEnd().split('\n').pop()!;

describe('a file that does not parse is a finding', () => {
  it('in every format, with its position, failing the run', () => {
    const text = scan('broken.yaml');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('  4:1  high      manifest-parse-error  ');
    expect(summary(text.stdout)).toBe('✖ 1 finding (1 high) · 1 file, 0 objects · fail-on low');

    const json = scan('broken.yaml', '--format', 'json');
    expect(json.code).toBe(1);
    const j = JSON.parse(json.stdout);
    expect(j.summary).toMatchObject({ failed: true, findings: 1, files: 1, unreadable: 0 });
    expect(j.findings[0]).toMatchObject({ ruleId: 'manifest-parse-error', severity: 'high', location: { file: 'broken.yaml', line: 4, column: 1 } });

    const sarif = JSON.parse(scan('broken.yaml', '--format', 'sarif').stdout);
    const result = sarif.runs[0].results[0];
    expect(result).toMatchObject({ ruleId: 'manifest-parse-error', level: 'error' });
    expect(result.locations[0].physicalLocation.region).toMatchObject({ startLine: 4, startColumn: 1 });

    const junit = scan('broken.yaml', '--format', 'junit');
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/<testsuites [^>]*failures="1"/);

    const github = scan('broken.yaml', '--format', 'github');
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=broken\.yaml,line=4,endLine=4,col=1,endColumn=2,title=manifest-parse-error \(high\)::/);
  });

  it('binary content, invalid UTF-8 and an empty file are findings too (at 1:1)', () => {
    const r = scan('binary.yaml', 'latin1.yaml', 'empty.yaml', 'Dockerfile.binary', '--format', 'json');
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout).findings.map((f: { ruleId: string; location: { file: string; line: number; column: number } }) => `${f.location.file} ${f.location.line}:${f.location.column} ${f.ruleId}`);
    expect(found).toEqual(['Dockerfile.binary 1:1 dockerfile-parse-error', 'binary.yaml 1:1 manifest-parse-error', 'empty.yaml 1:1 manifest-empty', 'latin1.yaml 1:1 manifest-parse-error']);
  });

  it('--fail-on applies to parse failures: they are high findings', () => {
    expect(scan('broken.yaml', '--fail-on', 'high').code).toBe(1);
    // Above their severity the run passes, but the summary still shows them: never "no findings".
    const critical = scan('broken.yaml', '--fail-on', 'critical');
    expect(critical.code).toBe(0);
    expect(summary(critical.stdout)).toBe('✔ 1 finding (1 high) · 1 file, 0 objects · fail-on critical');
    expect(scan('broken.yaml', '--fail-on', 'none').code).toBe(0);
  });
});

describe('a file that cannot be read is an input error: exit 2', () => {
  it('in every format, whatever --fail-on says, counted in the summary', () => {
    const args = ['big.yaml', 'good.yaml', '--max-file-size', '100'];
    const text = scan(...args);
    expect(text.code).toBe(2);
    expect(text.stderr).toBe('aigis: big.yaml: file is larger than the 100 byte limit (raise it with --max-file-size)\n');
    expect(summary(text.stdout)).toBe('✖ no findings · 1 file, 1 object, 1 unreadable · fail-on low');
    expect(scan(...args, '--fail-on', 'none').code).toBe(2);

    const j = JSON.parse(scan(...args, '--format', 'json').stdout);
    expect(j.summary).toMatchObject({ failed: true, findings: 0, files: 1, unreadable: 1 });
    expect(j.errors).toEqual([{ file: 'big.yaml', message: 'file is larger than the 100 byte limit (raise it with --max-file-size)' }]);

    const run = JSON.parse(scan(...args, '--format', 'sarif').stdout).runs[0];
    expect(run.results).toEqual([]);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe('file is larger than the 100 byte limit (raise it with --max-file-size)');

    const junit = scan(...args, '--format', 'junit');
    expect(junit.code).toBe(2);
    expect(junit.stdout).toMatch(/<testsuites [^>]*errors="1"/);

    const github = scan(...args, '--format', 'github');
    expect(github.code).toBe(2);
    expect(github.stdout).toBe('::error file=big.yaml,title=aigis%3A input error::file is larger than the 100 byte limit (raise it with --max-file-size)\n');
  });

  it('a missing path, a FIFO, a device, a symlink loop', () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    fs.symlinkSync('loop.yaml', path.join(dir, 'loop.yaml'));
    const r = scan('missing.yaml', 'pipe.yaml', '/dev/zero', 'loop.yaml', 'good.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean).sort()).toEqual([
      'aigis: /dev/zero: not a regular file or directory (a device, FIFO or socket): not read',
      'aigis: loop.yaml: symbolic link loop',
      'aigis: missing.yaml: no such file or directory',
      'aigis: pipe.yaml: not a regular file or directory (a device, FIFO or socket): not read',
    ]);
    expect(summary(r.stdout)).toBe('✖ no findings · 1 file, 1 object, 4 unreadable · fail-on low');
  });

  it('an empty file named as an image is an error; a file that is not a tar is a finding', () => {
    put('empty.tar', '');
    const empty = scan('empty.tar');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe('aigis: empty.tar: not an image archive: it holds neither manifest.json (docker-archive) nor index.json (OCI)\n');
    const text = scan('not-an-image.tar', '--format', 'json');
    expect(text.code).toBe(1);
    expect(JSON.parse(text.stdout).findings.map((f: { ruleId: string; message: string }) => `${f.ruleId}: ${f.message}`)).toEqual(['image-archive-invalid: cannot read the whole archive: the archive is not a tar (or is corrupt)']);
  });

  it('an endless standard input stops at --max-file-size instead of filling the memory', () => {
    const r = aigis(['scan', '-', '--max-file-size', '1000'], { cwd: dir, input: Buffer.alloc(5 * 1024 * 1024, 0x61) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aigis: -: file is larger than the 1000 byte limit (raise it with --max-file-size)\n');
  });
});

describe('what a directory walk passes over is counted', () => {
  it('FIFOs, devices and dangling links named like inputs: skipped (never opened), in the summary and the JSON', () => {
    const sub = path.join(dir, 'walk');
    fs.mkdirSync(sub);
    fs.copyFileSync(path.join(dir, 'good.yaml'), path.join(sub, 'good.yaml'));
    execFileSync('mkfifo', [path.join(sub, 'fifo.yaml')]);
    fs.symlinkSync('/dev/zero', path.join(sub, 'zero.yaml'));
    fs.symlinkSync('nowhere', path.join(sub, 'dangling.yaml'));
    const text = scan('walk');
    expect(text.code).toBe(0);
    expect(summary(text.stdout)).toBe('✔ no findings · 1 file, 1 object, 3 skipped · fail-on low');
    const j = JSON.parse(scan('walk', '--format', 'json').stdout);
    const reason = 'not a regular file (a device, FIFO, socket, or a dangling or looping link): not read';
    expect(j.skippedPaths).toEqual([
      { path: 'walk/dangling.yaml', reason },
      { path: 'walk/fifo.yaml', reason },
      { path: 'walk/zero.yaml', reason },
    ]);
  });
});
