// --workers N: the webhook in N processes sharing one port (node:cluster), so that a pod given
// several CPUs uses them; rule evaluation is CPU work and one Node process uses one core.
// The primary only forks, restarts workers that die, forwards SIGTERM/SIGINT and adds up the
// workers' metrics, so that /metrics, whichever worker answers it, counts for the whole pod.

import cluster, { type Worker } from 'node:cluster';
import { addSnapshots, type Metrics, type MetricsSnapshot } from './metrics.js';

type Message =
  | { aigis: 'listening'; port: number }
  | { aigis: 'metrics'; snapshot: MetricsSnapshot }
  | { aigis: 'others'; snapshot: MetricsSnapshot };

const WORKER_ENV = 'AIGIS_WEBHOOK_WORKER';
const SYNC_MS = 1000;

function isMessage(m: unknown): m is Message {
  return m !== null && typeof m === 'object' && typeof (m as { aigis?: unknown }).aigis === 'string';
}

export function isWebhookWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_ENV] === '1';
}

/** In a worker: say where it listens, send its counts every second, take the others' in return. */
export function joinPrimary(port: number, metrics: Metrics): () => void {
  process.send?.({ aigis: 'listening', port } satisfies Message);
  const timer = setInterval(() => {
    if (process.connected) process.send?.({ aigis: 'metrics', snapshot: metrics.snapshot() } satisfies Message, undefined, undefined, () => {});
  }, SYNC_MS);
  timer.unref();
  const onMessage = (m: unknown) => {
    if (isMessage(m) && m.aigis === 'others') metrics.setOthers(m.snapshot);
  };
  process.on('message', onMessage);
  return () => {
    clearInterval(timer);
    process.off('message', onMessage);
  };
}

export interface PrimaryOptions {
  workers: number;
  log(entry: Record<string, unknown>): void;
}

/** Fork the workers and run until a signal has stopped them all. Resolves with the exit code. */
export async function runPrimary(o: PrimaryOptions): Promise<number> {
  const snapshots = new Map<number, MetricsSnapshot>();
  let stopping = false;
  let failedStart = false;

  const fork = (): Worker => {
    const w = cluster.fork({ [WORKER_ENV]: '1' });
    w.on('message', (m: unknown) => {
      if (!isMessage(m)) return;
      if (m.aigis === 'metrics') snapshots.set(w.id, m.snapshot);
    });
    return w;
  };

  // Each worker gets the sum of the others' last counts (a dead worker's stay in: counters
  // must not go down).
  const sync = setInterval(() => {
    for (const w of Object.values(cluster.workers ?? {})) {
      // A worker shutting down may have closed its channel, even between the check and the send:
      // a failed sync is dropped (the callback takes the error), not an unhandled 'error' event.
      if (!w || !w.isConnected()) continue;
      const others = [...snapshots].filter(([id]) => id !== w.id).map(([, s]) => s);
      w.send({ aigis: 'others', snapshot: addSnapshots(others) } satisfies Message, undefined, () => {});
    }
  }, SYNC_MS);
  sync.unref();

  const listening = new Promise<number>((resolve, reject) => {
    let up = 0;
    for (let i = 0; i < o.workers; i++) {
      const w = fork();
      w.on('message', (m: unknown) => {
        if (isMessage(m) && m.aigis === 'listening' && ++up === o.workers) resolve(m.port);
      });
      w.once('exit', (code) => {
        if (up < o.workers) {
          failedStart = true;
          reject(new Error(`webhook worker exited with code ${code} before listening`));
        }
      });
    }
  });

  const done = new Promise<number>((resolve) => {
    cluster.on('exit', (w, code, signal) => {
      if (!stopping && !failedStart) {
        o.log({ level: 'warn', msg: 'worker died; starting another', worker: w.id, code, signal });
        fork();
        return;
      }
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(failedStart ? 2 : 0);
    });
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    o.log({ level: 'info', msg: 'shutting down', signal, workers: o.workers });
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    const port = await listening;
    o.log({ level: 'info', msg: 'listening', port, workers: o.workers });
  } catch (err) {
    o.log({ level: 'error', msg: (err as Error).message });
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  }
  const code = await done;
  clearInterval(sync);
  o.log({ level: 'info', msg: 'stopped' });
  return code;
}
