import { parseArgs } from 'node:util';
import type { InputKind } from '../../loaders/discover.js';
import { DEFAULT_LIMITS } from '../../loaders/index.js';
import { UsageError } from '../../util/errors.js';
import type { CliIO } from '../io.js';
import { exitCode, parseFailOn, printErrors, reportTargets, writeReports } from '../output.js';
import { runScan } from '../run-scan.js';
import { IMAGE_OPTIONS, IMAGE_USAGE, imageLoaderOptions } from '../image-options.js';
import type { Command } from './types.js';

const USAGE = `Usage: aigis scan [options] PATH...

Scan Kubernetes manifests (YAML/JSON, helm template output, kubectl get -o yaml dumps),
Dockerfiles and image tarballs. PATH is a file, a directory (searched recursively), a glob
in quotes, or - for standard input.

Options:
  -f, --format FORMAT     text (default), json, sarif, junit or github; repeat with --output
                          to write several reports
  -o, --output FILE       write the report of the preceding --format to FILE
      --fail-on LEVEL     exit 1 when a finding is at or above LEVEL: critical, high, medium,
                          low (default), info, or none (never fail on findings)
      --config FILE       use FILE instead of the .aigis.yaml found above each PATH
      --no-inline-suppressions
                          ignore ignore.aigis.dev annotations and aigis-ignore comments
      --baseline FILE     report only findings whose fingerprint is not in FILE
      --write-baseline FILE
                          record the current findings in FILE (they count as baselined)
      --sarif-root DIR    SARIF paths are relative to DIR (default: the git work tree, else .)
      --chart-dir DIR     Helm chart that rendered the input: SARIF points at its templates;
                          repeatable
      --rules DIR         add the rules (and data tables) in DIR; repeatable
      --rule ID           run only this rule; repeatable
      --exclude GLOB      leave out paths matching GLOB (relative to the working directory); repeatable
      --stdin-type TYPE   what - holds: manifest (default), dockerfile or image
      --max-file-size N   largest file to read, in bytes (default ${DEFAULT_LIMITS.maxFileBytes})
  -j, --jobs N            split a manifest scan over N threads (default 1); the report is the same
  -h, --help              show this help

${IMAGE_USAGE}

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input or usage.`;

export const scanCommand: Command = {
  summary: 'scan manifests, Dockerfiles and images',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals, tokens } = parseArgs({
      args,
      allowPositionals: true,
      tokens: true,
      options: {
        format: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o', multiple: true },
        'fail-on': { type: 'string' },
        rules: { type: 'string', multiple: true },
        rule: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        'stdin-type': { type: 'string' },
        'max-file-size': { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        config: { type: 'string' },
        'no-inline-suppressions': { type: 'boolean' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        'sarif-root': { type: 'string' },
        'chart-dir': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        ...IMAGE_OPTIONS,
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('scan needs at least one PATH (a file, a directory, a glob, or - for stdin)');
    const targets = reportTargets(tokens ?? []);
    const failOnFlag = values['fail-on'] === undefined ? undefined : parseFailOn(values['fail-on']);
    const stdinKind = values['stdin-type'] as InputKind | undefined;
    if (stdinKind && !['manifest', 'dockerfile', 'image'].includes(stdinKind)) {
      throw new UsageError(`--stdin-type must be manifest, dockerfile or image (got "${stdinKind}")`);
    }
    const maxFileBytes = values['max-file-size'] === undefined ? DEFAULT_LIMITS.maxFileBytes : Number(values['max-file-size']);
    if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
    const threads = values.jobs === undefined ? undefined : Number(values.jobs);
    if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1 || threads > 64)) throw new UsageError('--jobs must be a number of threads from 1 to 64');

    const { result, catalogue, failOn, ruleSettings } = await runScan({
      paths: positionals,
      cwd: io.cwd,
      config: values.config,
      ruleDirs: values.rules,
      only: values.rule,
      exclude: values.exclude,
      failOn: failOnFlag,
      inline: !values['no-inline-suppressions'],
      baseline: values.baseline,
      writeBaseline: values['write-baseline'],
      stdinKind,
      limits: { ...DEFAULT_LIMITS, maxFileBytes },
      stdin: io.stdin,
      recordChecks: targets.some((t) => t.format === 'junit'),
      loaderOptions: imageLoaderOptions(values),
      threads,
    });
    printErrors(result, io);
    const reporterOptions = { sarifRoot: values['sarif-root'], chartDirs: values['chart-dir'], ruleSettings, only: values.rule };
    await writeReports({ result, catalogue, failOn, targets, io, command: `aigis scan ${positionals.join(' ')}`, reporterOptions });
    return exitCode(result, failOn);
  },
};
