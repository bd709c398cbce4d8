// `aigis init`: write a commented starter .aigis.yaml (every field shown, none changing
// behaviour until uncommented), checked against the config schema by the tests.

import fs from 'node:fs';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { AigisError, UsageError } from '../../util/errors.js';
import type { CliIO } from '../io.js';
import type { Command } from './types.js';

const USAGE = `Usage: aigis init [options] [DIR]

Write a commented starter .aigis.yaml in DIR (default: the working directory).

Options:
      --force   overwrite an existing .aigis.yaml
  -h, --help    show this help`;

export const STARTER = `# aigis configuration: docs/config.md. Paths and globs are relative to this file's folder.
# yaml-language-server: $schema=https://raw.githubusercontent.com/aigis-dev/aigis/main/schemas/aigis-config.schema.json

# Exit 1 when a finding is at or above this severity (critical, high, medium, low, info, none).
# --fail-on overrides it.
failOn: low

# Turn rules off or change their severity (aigis rules lists the ids).
rules: {}
#  resource-limits-missing: info
#  image-not-digest-pinned: off
#  dockerfile-unpinned-packages: on        # rules that are off by default

# Paths never scanned.
exclude: []
#  - "vendor/**"
#  - "**/testdata/**"

# Extra rule folders (rules.d layout: <area>/<id>.yaml, data/<table>.yaml).
rulesDirs: []
#  - policy/aigis-rules

# false ignores ignore.aigis.dev annotations and aigis-ignore comments in what is scanned
# (as --no-inline-suppressions does): only this file can then exempt anything.
inlineSuppressions: true

# Suppress findings of a rule in some paths or objects. A reason is required; after "until"
# the entry lapses, the findings come back, and suppression-expired says so.
ignore: []
#  - rule: privileged-container
#    objects: [DaemonSet/gpu-operator/nvidia-driver-daemonset]   # Kind/namespace/name, globs allowed
#    reason: the NVIDIA driver installer loads kernel modules
#  - rule: host-path-volume
#    paths: ["deploy/node-agents/**"]
#    reason: node agents read /var/log by design
#    until: 2027-03-01

# Where pod templates live in your own custom resources (rows of the workload-kinds table).
podTemplates: []
#  - kind: InferenceJob
#    groups: [ml.example.com]
#    templates:
#      - { path: /spec/template, shape: template }
`;

export const initCommand: Command = {
  summary: 'write a starter .aigis.yaml',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError('init takes at most one DIR');
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');
    const file = path.join(dir, '.aigis.yaml');
    const shown = path.relative(io.cwd, file) || file;
    if (fs.existsSync(file) && !values.force) throw new AigisError('already exists (use --force to overwrite)', { file: shown });
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, STARTER);
    } catch (err) {
      throw new AigisError(`cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: shown });
    }
    io.stdout.write(`wrote ${shown}\n`);
    return 0;
  },
};
