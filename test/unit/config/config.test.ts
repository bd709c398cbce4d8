// .aigis.yaml: found upward from each scanned path, checked with errors that name the file, line,
// column and pointer; its rules, excludes, ignores and table rows reach the scan. Expected lines
// and columns are counted by hand in the text written here.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { STARTER } from '../../../src/cli/commands/init.js';
import { runScan } from '../../../src/cli/run-scan.js';
import { findConfig, loadConfig, rebaseExcludes, ruleSettingsOf } from '../../../src/config/config.js';
import { DEFAULT_LIMITS } from '../../../src/loaders/index.js';
import { packageRoot } from '../../../src/rules/paths.js';
import { AigisError } from '../../../src/util/errors.js';
import { testCatalogue } from '../../helpers/scan.js';

function tmp(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-config-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function errorOf(text: string): string {
  const dir = tmp({ '.aigis.yaml': text });
  try {
    loadConfig('.aigis.yaml', dir);
  } catch (err) {
    expect(err).toBeInstanceOf(AigisError);
    return (err as AigisError).format();
  }
  throw new Error('no error');
}

async function settingsErrorOf(text: string): Promise<string> {
  const dir = tmp({ '.aigis.yaml': text });
  try {
    ruleSettingsOf(loadConfig('.aigis.yaml', dir), await testCatalogue());
  } catch (err) {
    return (err as AigisError).format();
  }
  throw new Error('no error');
}

describe('loadConfig', () => {
  it('reads every field', async () => {
    const dir = tmp({
      'policy/rules/.keep': '',
      '.aigis.yaml': `failOn: high
rules:
  resource-limits-missing: info
  host-network: off
exclude: ["vendor/**", "./generated/"]
rulesDirs: [policy/rules]
inlineSuppressions: false
ignore:
  - rule: privileged-container
    objects: [DaemonSet/gpu-operator/*]
    reason: driver installer
    until: 2027-03-01
podTemplates:
  - kind: InferenceJob
    groups: [ml.example.com]
    templates:
      - { path: /spec/template, shape: template }
`,
    });
    const cfg = loadConfig('.aigis.yaml', dir);
    expect(cfg.failOn).toBe('high');
    expect(cfg.inlineSuppressions).toBe(false);
    expect(cfg.exclude).toEqual(['vendor/**', './generated/']);
    expect(cfg.rulesDirs).toEqual([path.join(dir, 'policy/rules')]);
    expect(cfg.ignores).toHaveLength(1);
    // `    until: 2027-03-01` is line 12; the key starts at column 5.
    expect(cfg.ignores[0]).toMatchObject({ rule: 'privileged-container', objects: ['DaemonSet/gpu-operator/*'], reason: 'driver installer', until: '2027-03-01', baseDir: dir });
    expect(cfg.ignores[0]!.location).toMatchObject({ file: '.aigis.yaml', position: { line: 12, column: 5 } });
    expect(cfg.tableAdditions).toEqual([{ table: 'workload-kinds', value: { kinds: [{ kind: 'InferenceJob', groups: ['ml.example.com'], templates: [{ path: '/spec/template', shape: 'template' }] }] }, file: '.aigis.yaml' }]);
    const settings = ruleSettingsOf(cfg, await testCatalogue());
    expect([...settings]).toEqual([
      ['resource-limits-missing', 'info'],
      ['host-network', 'off'],
    ]);
  });

  it('an empty file is an empty config', () => {
    const cfg = loadConfig('.aigis.yaml', tmp({ '.aigis.yaml': '# nothing yet\n' }));
    expect(cfg.rules).toEqual([]);
    expect(cfg.ignores).toEqual([]);
  });

  it('names the file, line, column and pointer of a bad value', () => {
    expect(errorOf('rules:\n  privileged-container: warn\n')).toBe(
      '.aigis.yaml:2:3: invalid config: /rules/privileged-container: must be equal to one of the allowed values (off, on, critical, high, medium, low, info) (at /rules/privileged-container)',
    );
  });

  it('names an unknown field', () => {
    expect(errorOf('failOn: high\nexlude: [vendor]\n')).toBe('.aigis.yaml:2:1: invalid config: /: unknown field "exlude" (at /exlude)');
  });

  it('requires a reason on ignore entries, and a real date', () => {
    expect(errorOf('ignore:\n  - rule: host-pid\n    paths: [a.yaml]\n')).toBe(".aigis.yaml:2:5: invalid config: /ignore/0: must have required property 'reason' (at /ignore/0)");
    expect(errorOf('ignore:\n  - rule: host-pid\n    reason: x\n    until: 2027-02-30\n')).toBe('.aigis.yaml:4:5: invalid config: /ignore/0/until: must match format "date" (at /ignore/0/until)');
  });

  it('reports YAML syntax errors with their position', () => {
    expect(errorOf('rules:\n  a: [off\n')).toMatch(/^\.aigis\.yaml:\d+:\d+: cannot parse config: /);
  });

  it('checks table rows against the table schema, at their place in the config', () => {
    // Line 3 `    groups: ml.example.com` holds a string where the table wants a list.
    expect(errorOf('podTemplates:\n  - kind: InferenceJob\n    groups: ml.example.com\n    templates: []\n')).toBe(
      '.aigis.yaml:3:5: invalid config: /podTemplates/0/groups: must be array (at /podTemplates/0/groups)',
    );
  });

  it('rejects a missing rules folder', () => {
    expect(errorOf('rulesDirs: [nowhere]\n')).toBe('.aigis.yaml:1:13: rules folder not found: nowhere (at /rulesDirs/0)');
  });

  it('rejects an unknown rule id with a suggestion', async () => {
    expect(await settingsErrorOf('rules:\n  privileged-containers: off\n')).toBe('.aigis.yaml:2:3: unknown rule "privileged-containers" (did you mean "privileged-container"?) (at /rules/privileged-containers)');
    expect(await settingsErrorOf('ignore:\n  - rule: no-such-thing-at-all\n    reason: x\n')).toBe('.aigis.yaml:2:5: unknown rule "no-such-thing-at-all" (see aigis rules) (at /ignore/0/rule)');
  });
});

describe('the starter file and the documented example', () => {
  it('aigis init writes a file that loads, and changes nothing until edited', async () => {
    const dir = tmp({ '.aigis.yaml': STARTER });
    const cfg = loadConfig('.aigis.yaml', dir);
    expect(cfg.failOn).toBe('low');
    expect(cfg.rules).toEqual([]);
    expect(ruleSettingsOf(cfg, await testCatalogue()).size).toBe(0);
  });

  it('the starter and docs/config.md examples validate against the published schema', async () => {
    const docs = fs.readFileSync(path.join(packageRoot(), 'docs', 'config.md'), 'utf8');
    const blocks = [...docs.matchAll(/<!-- checked by test\/unit\/config\/config\.test\.ts -->\n```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    // The commented examples in the starter, uncommented, are valid too.
    const uncommented = STARTER.replace(/^#  /gm, '  ').replace(/^(\w+): (\{\}|\[\])$/gm, '$1:');
    for (const text of [...blocks, uncommented]) {
      const dir = tmp({ '.aigis.yaml': text, 'policy/aigis-rules/.keep': '' });
      expect(() => loadConfig('.aigis.yaml', dir), text.slice(0, 80)).not.toThrow();
      expect(parse(text)).not.toBeNull();
    }
  });
});

describe('findConfig', () => {
  it('searches upward from a file or folder, stopping at the repository root', () => {
    const dir = tmp({ 'repo/.git/HEAD': '', 'repo/.aigis.yaml': '', 'repo/k8s/app/pod.yaml': '', 'repo/sub/.aigis.yml': '', 'repo/sub/x/y.yaml': '', 'outer.yaml': '' });
    const repo = path.join(dir, 'repo');
    expect(findConfig('k8s/app/pod.yaml', repo)).toBe(path.join(repo, '.aigis.yaml'));
    expect(findConfig('k8s', repo)).toBe(path.join(repo, '.aigis.yaml'));
    expect(findConfig('sub/x', repo)).toBe(path.join(repo, 'sub', '.aigis.yml'));
    expect(findConfig('-', path.join(repo, 'k8s'))).toBe(path.join(repo, '.aigis.yaml'));
    expect(findConfig('"k8s/**/*.yaml"'.slice(1, -1), repo)).toBe(path.join(repo, '.aigis.yaml'));
    // Above the repository root nothing is looked at.
    fs.writeFileSync(path.join(dir, '.aigis.yaml'), '');
    fs.rmSync(path.join(repo, '.aigis.yaml'));
    expect(findConfig('k8s/app/pod.yaml', repo)).toBeUndefined();
  });
});

describe('rebaseExcludes', () => {
  it('keeps globs working from the working directory', () => {
    expect(rebaseExcludes(['vendor/**'], '/r', '/r')).toEqual(['/r/vendor/**', 'vendor/**']);
    expect(rebaseExcludes(['vendor/**'], '/r/sub', '/r')).toEqual(['/r/sub/vendor/**', 'sub/vendor/**']);
    expect(rebaseExcludes(['sub/gen/**', '**/testdata/**', 'top.yaml'], '/r', '/r/sub')).toEqual(['/r/sub/gen/**', 'gen/**', '/r/**/testdata/**', '**/testdata/**', '/r/top.yaml']);
  });
});

describe('config in a scan', () => {
  const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;
  // Loaders read input paths against process.cwd(), so the scan runs from inside the folder.
  async function scanIn(dir: string, paths: string[], extra: Partial<Parameters<typeof runScan>[0]> = {}) {
    const before = process.cwd();
    process.chdir(dir);
    try {
      const r = await runScan({ paths, cwd: dir, inline: true, limits: DEFAULT_LIMITS, only: ['privileged-container', 'host-network', 'suppression-expired'], today: '2026-06-01', ...extra });
      return { ...r, ids: r.result.findings.filter((f) => !f.suppression).map((f) => `${f.ruleId}:${f.severity}`).sort() };
    } finally {
      process.chdir(before);
    }
  }

  it('applies rules, failOn, exclude and ignore from the nearest file', async () => {
    const dir = tmp({
      '.git/HEAD': '',
      '.aigis.yaml': 'failOn: high\nrules:\n  host-network: critical\nexclude: ["skip/**"]\nignore:\n  - rule: privileged-container\n    paths: ["apps/**"]\n    reason: reviewed\n',
      'apps/pod.yaml': POD,
      'skip/pod.yaml': POD,
      'other/pod.yaml': POD,
    });
    const r = await scanIn(dir, ['.']);
    expect(r.failOn).toBe('high');
    expect(r.ids).toEqual(['host-network:critical', 'host-network:critical', 'privileged-container:high']);
    expect(r.result.findings.filter((f) => f.suppression).map((f) => `${f.location.file} ${f.suppression!.justification}`)).toEqual(['apps/pod.yaml reviewed']);
    expect(r.result.skippedPaths.map((s) => s.path)).toEqual(['skip']);
  });

  it('--fail-on wins over failOn; --config replaces the search', async () => {
    const dir = tmp({ '.git/HEAD': '', '.aigis.yaml': 'failOn: high\nrules:\n  host-network: off\n', 'alt.yaml': 'failOn: none\n', 'pod.yaml': POD });
    expect((await scanIn(dir, ['pod.yaml'], { failOn: 'info' })).failOn).toBe('info');
    const alt = await scanIn(dir, ['pod.yaml'], { config: 'alt.yaml' });
    expect(alt.failOn).toBe('none');
    expect(alt.ids).toEqual(['host-network:high', 'privileged-container:high']);
  });

  it('inlineSuppressions: false ignores annotations', async () => {
    const annotated = POD.replace('  name: p\n', '  name: p\n  annotations:\n    ignore.aigis.dev/privileged-container: "reviewed"\n');
    const dir = tmp({ '.git/HEAD': '', '.aigis.yaml': 'inlineSuppressions: false\n', 'pod.yaml': annotated });
    expect((await scanIn(dir, ['pod.yaml'])).ids).toContain('privileged-container:high');
    const on = tmp({ '.git/HEAD': '', 'pod.yaml': annotated });
    expect((await scanIn(on, ['pod.yaml'])).ids).not.toContain('privileged-container:high');
  });

  it('paths under different config files are scanned each under its own, and the strictest failOn applies', async () => {
    const dir = tmp({
      '.git/HEAD': '',
      'a/.aigis.yaml': 'failOn: critical\nrules:\n  privileged-container: off\n',
      'a/pod.yaml': POD,
      'b/.aigis.yaml': 'failOn: medium\n',
      'b/pod.yaml': POD,
    });
    const r = await scanIn(dir, ['a/pod.yaml', 'b/pod.yaml']);
    expect(r.result.findings.map((f) => `${f.location.file} ${f.ruleId}`)).toEqual(['a/pod.yaml host-network', 'b/pod.yaml host-network', 'b/pod.yaml privileged-container']);
    expect(r.failOn).toBe('medium');
    expect(r.configs.map((c) => c.display)).toEqual(['a/.aigis.yaml', 'b/.aigis.yaml']);
  });

  it('podTemplates rows make the pod template of a custom resource checked', async () => {
    const job = `apiVersion: ml.example.com/v1
kind: InferenceJob
metadata:
  name: batch
spec:
  template:
    spec:
      containers:
        - name: worker
          image: example/worker:1.0
          securityContext:
            privileged: true
`;
    const cfg = 'podTemplates:\n  - kind: InferenceJob\n    groups: [ml.example.com]\n    templates:\n      - { path: /spec/template, shape: template }\n';
    const without = await scanIn(tmp({ '.git/HEAD': '', 'job.yaml': job }), ['job.yaml']);
    expect(without.ids).toEqual([]);
    const withRows = await scanIn(tmp({ '.git/HEAD': '', '.aigis.yaml': cfg, 'job.yaml': job }), ['job.yaml']);
    expect(withRows.ids).toEqual(['privileged-container:high']);
    // job.yaml:12 `            privileged: true`, column 13.
    const f = withRows.result.findings[0]!;
    expect(`${f.location.position?.line}:${f.location.position?.column}`).toBe('12:13');
  });

  it('an expired config ignore brings the findings back and is reported at its until line', async () => {
    const dir = tmp({ '.git/HEAD': '', '.aigis.yaml': 'ignore:\n  - rule: privileged-container\n    reason: temporary\n    until: 2026-05-01\n', 'pod.yaml': POD });
    const r = await scanIn(dir, ['pod.yaml']);
    expect(r.ids).toEqual(['host-network:high', 'privileged-container:high', 'suppression-expired:low']);
    const expired = r.result.findings.find((f) => f.ruleId === 'suppression-expired')!;
    // `    until: 2026-05-01` is line 4, column 5.
    expect(`${expired.location.file}:${expired.location.position?.line}:${expired.location.position?.column}`).toBe('.aigis.yaml:4:5');
  });
});
