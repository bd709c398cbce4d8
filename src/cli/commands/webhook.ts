import { parseArgs } from 'node:util';
import { UsageError } from '../../util/errors.js';
import { clusterRunConfig } from '../cluster-config.js';
import type { CliIO } from '../io.js';
import { parseFailOn } from '../output.js';
import type { Command } from './types.js';

const USAGE = `Usage: aigis webhook --tls-cert FILE --tls-key FILE [options]

Serve a Kubernetes validating admission webhook over HTTPS: POST /validate takes an
admission.k8s.io/v1 AdmissionReview and answers with the rules of aigis scan. CREATE and UPDATE
of every kind holding pod templates (core workloads and AI custom resources), Services, Ingresses
and HTTPRoutes are checked; DELETE and other kinds are allowed at once. Also serves /healthz,
/readyz and /metrics (Prometheus). deploy/webhook/ runs it in a cluster; docs/cluster.md explains
failurePolicy and the rest.

Options:
      --tls-cert FILE               certificate (PEM); re-read when the file changes
      --tls-key FILE                private key (PEM); re-read when the file changes
      --port N                      port to listen on (default 8443)
      --host ADDR                   address to listen on (default: every interface)
      --mode MODE                   enforce (default): deny at or above --fail-on;
                                    warn: allow, and say what enforce would deny
      --fail-on LEVEL               deny at or above LEVEL: critical, high (default), medium, low,
                                    info, none
      --warn-on LEVEL               return findings at or above LEVEL as warnings (default low)
      --deny-existing               on UPDATE, deny for findings the old object had too
                                    (default: only findings the update brings)
      --allow-inline-suppressions   honour ignore.aigis.dev/<rule> annotations on the object
                                    (default: ignored, so no one exempts their own object)
      --cluster-context             watch the cluster (informers) so rules linking objects see
                                    the Services, routes and workloads around the request
      --kubeconfig FILE, --context NAME
                                    how --cluster-context connects (default: like kubectl, then
                                    the pod's service account)
      --cluster-name NAME           cluster name in messages (default: the context name, or
                                    "admission" without --cluster-context)
      --config FILE                 .aigis.yaml to apply: rule settings, rule folders, table rows,
                                    ignore entries for objects (none is searched for)
      --rules DIR                   add the rules (and data tables) in DIR; repeatable
      --rule ID                     run only this rule; repeatable
      --max-body-size BYTES         largest AdmissionReview accepted (default 8388608)
      --max-pending-bytes BYTES     request bodies held at once, arriving or waiting to be
                                    evaluated; past it a review is answered 429 (default four
                                    times --max-body-size)
      --max-pending-reviews N       reviews held at once; past it a review is answered 429, so
                                    that /healthz never waits behind a long queue (default 64)
      --tls-reload-interval SECS    how often the certificate files are checked (default 10)
      --shutdown-delay SECS         on SIGTERM, answer not-ready but keep serving this long
                                    before closing (default 5)
      --workers N                   serve from N processes sharing the port (default 1); give
                                    it the number of CPUs the pod may use
  -h, --help                        show this help

Logs are JSON lines on standard error: start, denials, errors, certificate reloads.`;

function number(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} must be a number${min > 0 ? ` of at least ${min}` : ''} (got "${value}")`);
  return n;
}

export const webhookCommand: Command = {
  summary: 'serve the validating admission webhook',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        mode: { type: 'string' },
        'fail-on': { type: 'string' },
        'warn-on': { type: 'string' },
        'deny-existing': { type: 'boolean' },
        'allow-inline-suppressions': { type: 'boolean' },
        'cluster-context': { type: 'boolean' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'cluster-name': { type: 'string' },
        config: { type: 'string' },
        rules: { type: 'string', multiple: true },
        rule: { type: 'string', multiple: true },
        'max-body-size': { type: 'string' },
        'max-pending-bytes': { type: 'string' },
        'max-pending-reviews': { type: 'string' },
        'tls-reload-interval': { type: 'string' },
        'shutdown-delay': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length) throw new UsageError(`webhook takes no arguments (got "${positionals[0]}")`);
    if (!values['tls-cert'] || !values['tls-key']) throw new UsageError('webhook needs --tls-cert and --tls-key (the API server only calls webhooks over HTTPS)');
    const mode = values.mode ?? 'enforce';
    if (mode !== 'enforce' && mode !== 'warn') throw new UsageError(`--mode must be enforce or warn (got "${mode}")`);
    const failOn = parseFailOn(values['fail-on'], 'high');
    const warnOn = parseFailOn(values['warn-on'], 'low');
    const port = number(values.port, '--port', 8443);
    if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port must be a port number (got "${values.port}")`);
    const maxBodyBytes = number(values['max-body-size'], '--max-body-size', 8 * 1024 * 1024, 1024);
    const maxPendingBytes = number(values['max-pending-bytes'], '--max-pending-bytes', 4 * maxBodyBytes, maxBodyBytes);
    const maxPendingReviews = number(values['max-pending-reviews'], '--max-pending-reviews', 64, 1);
    const reloadIntervalMs = number(values['tls-reload-interval'], '--tls-reload-interval', 10, 0.05) * 1000;
    const shutdownDelayMs = number(values['shutdown-delay'], '--shutdown-delay', 5) * 1000;
    if (!values['cluster-context'] && (values.kubeconfig || values.context)) {
      throw new UsageError('--kubeconfig and --context are for --cluster-context; without it the webhook reads nothing from the cluster');
    }

    const workers = number(values.workers, '--workers', 1, 1);
    if (!Number.isInteger(workers)) throw new UsageError(`--workers must be a whole number (got "${values.workers}")`);

    const { isWebhookWorker, joinPrimary, runPrimary } = await import('../../webhook/workers.js');
    const worker = isWebhookWorker();
    const log = (entry: Record<string, unknown>) => io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...(worker ? { worker: process.pid } : {}), ...entry })}\n`);
    const run = await clusterRunConfig({ config: values.config, search: false, cwd: io.cwd, ruleDirs: values.rules, only: values.rule });
    const { catalogue, only } = run;
    const { WebhookServer, readPair } = await import('../../webhook/server.js');
    if (workers > 1 && !worker) {
      // Check once here what every worker would otherwise report on its own.
      readPair(values['tls-cert'], values['tls-key']);
      return runPrimary({ workers, log });
    }

    const { Reviewer } = await import('../../webhook/review.js');
    let cache: import('../../webhook/context-cache.js').ContextCache | undefined;
    let clusterName = values['cluster-name'] ?? 'admission';
    if (values['cluster-context']) {
      const { connect } = await import('../../loaders/cluster/audit.js');
      const { ContextCache } = await import('../../webhook/context-cache.js');
      const { config, client } = await connect({ kubeconfig: values.kubeconfig, context: values.context, env: io.env, cwd: io.cwd }, { maxSockets: 4 });
      clusterName = values['cluster-name'] ?? config.context;
      log({ level: 'info', msg: 'starting the cluster context cache', server: config.server, context: config.context });
      cache = await ContextCache.start({ config, client, tables: catalogue.tables, clusterName, log });
    }
    const reviewer = new Reviewer({
      catalogue,
      mode,
      failOn,
      warnOn,
      // Both must agree: the flag opts in, and the config file may still forbid it.
      allowInlineSuppressions: values['allow-inline-suppressions'] === true && run.inlineSuppressions !== false,
      denyExisting: values['deny-existing'] === true,
      clusterName,
      only,
      ruleSettings: run.ruleSettings,
      ignores: run.ignores,
      context: cache,
    });
    const server = await WebhookServer.start({
      host: values.host,
      port,
      tlsCert: values['tls-cert'],
      tlsKey: values['tls-key'],
      reloadIntervalMs,
      maxBodyBytes,
      maxPendingBytes,
      maxPendingReviews,
      reviewer,
      ready: cache ? () => cache.ready() : undefined,
      metrics: cache ? (m) => m.gauge('cache_objects', 'Objects held by the --cluster-context cache, by resource.', () => cache.sizes()) : undefined,
      log,
    });
    log({ level: 'info', msg: worker ? 'worker listening' : 'listening', port: server.port, mode, failOn, warnOn, clusterContext: !!cache, rules: catalogue.rules.length });
    const leave = worker ? joinPrimary(server.port, server.metrics) : undefined;

    // SIGTERM: stop answering ready so the endpoint leaves the Service, keep answering reviews
    // for --shutdown-delay (in-flight API server calls), then close.
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        log({ level: 'info', msg: 'shutting down', signal, delayMs: shutdownDelayMs });
        server.drain();
        setTimeout(() => {
          void Promise.all([server.close(), cache?.stop()]).then(() => resolve());
        }, shutdownDelayMs);
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      // A worker whose primary is gone gets no more connections: stop too.
      if (worker) process.once('disconnect', () => stop('SIGTERM'));
    });
    leave?.();
    log({ level: 'info', msg: 'stopped' });
    // The IPC channel would keep a worker alive after its server closed.
    if (worker) process.disconnect?.();
    return 0;
  },
};
