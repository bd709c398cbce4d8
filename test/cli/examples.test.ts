// The README's main command, and the promise that each insecure example has a clean twin.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/rules/paths.js';
import { aigis } from '../helpers/cli.js';

const examples = path.join(packageRoot(), 'examples');

describe('examples/', () => {
  it('aigis scan examples/ reports the insecure ones and exits 1', () => {
    const r = aigis(['scan', 'examples/', '-f', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    const files = new Set(json.findings.map((f: { location: { file: string } }) => f.location.file));
    for (const f of fs.readdirSync(path.join(examples, 'insecure'))) {
      expect(files.has(`examples/insecure/${f}`), f).toBe(true);
    }
    expect([...files].filter((f) => String(f).startsWith('examples/hardened/'))).toEqual([]);
  });

  it('every insecure example has a hardened twin that gives no finding', () => {
    const insecure = fs.readdirSync(path.join(examples, 'insecure')).length;
    expect(fs.readdirSync(path.join(examples, 'hardened')).length).toBe(insecure);
    const r = aigis(['scan', 'examples/hardened/', '--fail-on', 'info']);
    expect(r.stdout).toMatch(/^✔ no findings · /);
    expect(r.code).toBe(0);
  });
});
