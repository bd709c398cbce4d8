// Rules whose severity depends on the offending value (`severities` in the rule file).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPaths } from '../../helpers/scan.js';

async function severities(dockerfile: string, rule: string): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-df-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  const r = await scanPaths([path.join(dir, 'Dockerfile')], [rule]);
  return r.findings.map((f) => `${f.location.position?.line} ${f.severity}`);
}

describe('graded Dockerfile rules', () => {
  it('dockerfile-ld-preload: critical for a relative, /tmp or variable path, high for a system library', async () => {
    const text = 'FROM x:1\nENV LD_PRELOAD=/usr/lib/libjemalloc.so.2\nENV LD_PRELOAD=/tmp/hook.so\nENV LD_PRELOAD=./hook.so\nENV LD_PRELOAD=/usr/lib/a.so:${EXTRA}\n';
    expect(await severities(text, 'dockerfile-ld-preload')).toEqual(['2 high', '3 critical', '4 critical', '5 critical']);
  });

  it('dockerfile-secret-in-env: critical for a token-shaped value, high for a credential name', async () => {
    const text = 'FROM x:1\nARG HF_TOKEN\nENV OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx\nENV DB_PASSWORD=hunter22\n';
    expect(await severities(text, 'dockerfile-secret-in-env')).toEqual(['2 high', '3 critical', '4 high']);
  });
});
