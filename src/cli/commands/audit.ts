import { parseArgs } from 'node:util';
import { evaluateLoaded, compareFindings } from '../../engine/scan.js';
import { AigisError, UsageError } from '../../util/errors.js';
import { clusterRunConfig } from '../cluster-config.js';
import type { CliIO } from '../io.js';
import { exitCode, maskSecrets, parseFailOn, reportTargets, writeReports } from '../output.js';
import type { Command } from './types.js';

const USAGE = `Usage: aigis audit [options]

Audit what runs in a Kubernetes cluster with the rules of aigis scan. Connects like kubectl, reads
every kind aigis understands that the cluster serves (workloads, AI custom resources, Services,
Ingresses, HTTPRoutes, NetworkPolicies, Namespaces, RBAC; never Secrets or ConfigMaps) and
checks pods made by a controller through the controller's template: one finding per template.

Options:
      --kubeconfig FILE        kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config, then
                               the service account of the pod aigis runs in)
      --context NAME           kubeconfig context (default: its current-context)
  -n, --namespace NS           audit only this namespace; repeatable (default: all namespaces)
      --exclude-namespace NS   leave out this namespace (e.g. kube-system); repeatable
      --cluster-name NAME      cluster name in finding locations (default: the context name)
  -f, --format FORMAT          text (default), json, or another report format; see aigis scan
  -o, --output FILE            write the report of the preceding --format to FILE
      --fail-on LEVEL          exit 1 when a finding is at or above LEVEL (default low); none never
      --config FILE            use FILE instead of the .aigis.yaml found from the working directory up
      --no-inline-suppressions ignore ignore.aigis.dev annotations on the cluster's objects
      --rules DIR              add the rules (and data tables) in DIR; repeatable
      --rule ID                run only this rule; repeatable
      --page-size N            objects per list request (default 500)
      --concurrency N          list requests in flight at once (default 8)
      --request-timeout SECS   time allowed for each request (default 30)
      --retries N              retries of a request on 429, 5xx, a dropped connection or a page
                               cut short (default 4)
      --allow-partial          a resource that still fails after the retries is a warning, not an
                               error: exit by the findings on the rest (default: exit 2)
  -h, --help                   show this help

Findings are located as cluster:<cluster>/<namespace>/<kind>/<name> and the field's path.
Progress goes to standard error when it is a terminal. Resources the credentials may not read
(403) are named in a warning and the audit goes on; an unreachable server or rejected
credentials stop it (exit 2). A resource the server fails to list after the retries is named
on standard error and in the report, the rest is audited, and the exit code is 2 (an audit
that missed part of the cluster must not pass) unless --allow-partial.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 cannot connect, a
resource could not be read (without --allow-partial), or bad usage.`;

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number (got "${value}")`);
  return n;
}

/** `30`, `30s`, `2m`, `500ms` → milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`${flag} must be a duration such as 30, 30s, 2m or 500ms (got "${value}")`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

export const auditCommand: Command = {
  summary: 'audit the objects in a live cluster',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals, tokens } = parseArgs({
      args,
      allowPositionals: true,
      tokens: true,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        namespace: { type: 'string', short: 'n', multiple: true },
        'exclude-namespace': { type: 'string', multiple: true },
        'cluster-name': { type: 'string' },
        format: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o', multiple: true },
        'fail-on': { type: 'string' },
        config: { type: 'string' },
        'no-inline-suppressions': { type: 'boolean' },
        rules: { type: 'string', multiple: true },
        rule: { type: 'string', multiple: true },
        'page-size': { type: 'string' },
        concurrency: { type: 'string' },
        'request-timeout': { type: 'string' },
        retries: { type: 'string' },
        'allow-partial': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length) throw new UsageError(`audit takes no paths (got "${positionals[0]}"); to scan files use aigis scan`);
    if (values.namespace?.length && values['exclude-namespace']?.length) {
      throw new UsageError('--namespace and --exclude-namespace do not go together: name the namespaces to audit, or the ones to leave out');
    }
    const targets = reportTargets(tokens ?? []);
    const pageSize = positiveInt(values['page-size'], '--page-size', 500);
    const concurrency = positiveInt(values.concurrency, '--concurrency', 8);
    const retries = values.retries === undefined ? 4 : Number(values.retries);
    if (!Number.isSafeInteger(retries) || retries < 0) throw new UsageError(`--retries must be a whole number (got "${values.retries}")`);
    const timeoutMs = values['request-timeout'] === undefined ? 30_000 : parseDuration(values['request-timeout'], '--request-timeout');

    const run = await clusterRunConfig({ config: values.config, search: true, cwd: io.cwd, ruleDirs: values.rules, only: values.rule });
    const { catalogue, only, ruleSettings } = run;
    const failOn = parseFailOn(values['fail-on'], run.failOn ?? 'low');
    const suppress = { inline: values['no-inline-suppressions'] !== true && run.inlineSuppressions !== false, ignores: run.ignores, cwd: io.cwd };

    const progress = io.stderr.isTTY ? progressLine(io) : undefined;
    const { auditCluster, asLoaded } = await import('../../loaders/cluster/audit.js');
    let audit;
    try {
      audit = await auditCluster({
        kubeconfig: values.kubeconfig,
        context: values.context,
        env: io.env,
        cwd: io.cwd,
        tables: catalogue.tables,
        namespaces: values.namespace,
        excludeNamespaces: values['exclude-namespace'],
        clusterName: values['cluster-name'],
        pageSize,
        concurrency,
        client: { timeoutMs, retries },
        onProgress: progress?.update,
      });
    } finally {
      progress?.done();
    }
    for (const w of audit.warnings) io.stderr.write(`aigis: warning: ${w}\n`);

    const result = evaluateLoaded(asLoaded(audit.documents), { catalogue, only, ruleSettings, suppress });
    result.findings.sort(compareFindings);
    // Fail closed: what could not be read is counted, named, and (unless --allow-partial, and
    // unless nothing at all was read) an input error.
    result.stats.failed += audit.unread.length;
    const partial = values['allow-partial'] === true && audit.read > 0;
    for (const u of audit.unread) {
      const message = `cannot read ${u.resource} (${u.error}); not audited`;
      if (partial) io.stderr.write(`aigis: warning: ${maskSecrets(message, result.secrets)} (--allow-partial)\n`);
      else result.errors.push(new AigisError(message, { file: `cluster:${audit.cluster}` }));
    }
    if (progress) {
      const s = audit.stats;
      io.stderr.write(`aigis: ${audit.cluster}: ${s.listed} objects of ${s.kinds} kinds listed; ${audit.documents.length} checked, ${s.coveredByOwner + s.replicas} through their owner's template\n`);
    }
    const command = ['aigis audit', ...(values.context ? [`--context ${values.context}`] : []), ...(values.namespace ?? []).map((n) => `-n ${n}`)].join(' ');
    await writeReports({ result, catalogue, failOn, targets, io, command, reporterOptions: { cluster: audit.cluster } });
    for (const e of result.errors) io.stderr.write(`aigis: ${maskSecrets(e.format(), result.secrets)}\n`);
    return exitCode(result, failOn);
  },
};

/** `aigis: listing 12/31 kinds · 8,500 objects`, redrawn in place on a terminal. */
function progressLine(io: CliIO): { update: (p: { kindsDone: number; kindsTotal: number; objects: number }) => void; done: () => void } {
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 100 && p.kindsDone < p.kindsTotal) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[2Kaigis: listing ${p.kindsDone}/${p.kindsTotal} kinds · ${p.objects.toLocaleString('en-US')} objects`);
    },
    done: () => {
      if (shown) io.stderr.write('\r\x1b[2K');
    },
  };
}
