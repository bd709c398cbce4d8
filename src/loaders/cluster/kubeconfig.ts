// Which cluster to talk to, and as whom, found the way kubectl finds it: --kubeconfig, else the
// files in $KUBECONFIG (merged, first one wins), else ~/.kube/config, else the pod's service
// account. @kubernetes/client-node parses the files and runs the auth plugins (exec, OIDC, token
// files); it is imported here, lazily, so that file scans never load it.

import fs from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { AigisError, UsageError } from '../../util/errors.js';

export interface ClusterConfigOptions {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --context */
  context?: string;
  /** Reads KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Prefix of /var/run/secrets/kubernetes.io/serviceaccount (tests). */
  serviceAccountRoot?: string;
}

export interface ClusterConfig {
  kc: KubeConfig;
  /** The context in use: the default cluster name in finding locations. */
  context: string;
  server: string;
  /** Where the configuration came from, for messages. */
  origin: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type ClientNode = typeof import('@kubernetes/client-node');
let clientNode: Promise<ClientNode> | undefined;

/** The client library, imported on first use (it takes most of a second and ~70 MB). */
export function loadClientNode(): Promise<ClientNode> {
  clientNode ??= import('@kubernetes/client-node');
  return clientNode;
}

function readKubeconfig(lib: ClientNode, file: string): KubeConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AigisError(`cannot read kubeconfig: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
  const kc = new lib.KubeConfig();
  try {
    // Entries kubectl would reject are dropped here; a context that needs one fails below.
    kc.loadFromString(text, { onInvalidEntry: 'filter' });
  } catch (err) {
    throw new AigisError(`invalid kubeconfig: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  kc.makePathsAbsolute(path.dirname(file));
  return kc;
}

/** kubectl's merge of $KUBECONFIG: the first file to define a name (or current-context) wins. */
function mergeFirstWins(into: KubeConfig, other: KubeConfig): void {
  const has = <T extends { name: string }>(list: T[], name: string) => list.some((x) => x.name === name);
  if (!into.currentContext && other.currentContext) into.currentContext = other.currentContext;
  for (const c of other.clusters) if (!has(into.clusters, c.name)) into.clusters.push(c);
  for (const u of other.users) if (!has(into.users, u.name)) into.users.push(u);
  for (const c of other.contexts) if (!has(into.contexts, c.name)) into.contexts.push(c);
}

function inClusterConfig(lib: ClientNode, o: ClusterConfigOptions): KubeConfig | undefined {
  const host = o.env.KUBERNETES_SERVICE_HOST;
  const port = o.env.KUBERNETES_SERVICE_PORT;
  const dir = `${o.serviceAccountRoot ?? ''}${SERVICE_ACCOUNT_DIR}`;
  if (!host || !port || !fs.existsSync(path.join(dir, 'token'))) return undefined;
  const kc = new lib.KubeConfig();
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server, caFile: path.join(dir, 'ca.crt'), skipTLSVerify: false }],
    // A token file, re-read every minute: projected service account tokens rotate.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: path.join(dir, 'token') } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster' }],
    currentContext: 'in-cluster',
  });
  return kc;
}

export async function loadClusterConfig(o: ClusterConfigOptions): Promise<ClusterConfig> {
  const lib = await loadClientNode();
  let kc: KubeConfig | undefined;
  let origin: string;
  if (o.kubeconfig) {
    const file = path.resolve(o.cwd, o.kubeconfig);
    kc = readKubeconfig(lib, file);
    origin = o.kubeconfig;
  } else if (o.env.KUBECONFIG) {
    const files = o.env.KUBECONFIG.split(path.delimiter).filter(Boolean);
    // kubectl skips $KUBECONFIG entries that do not exist, but not ones it cannot parse.
    const present = files.map((f) => path.resolve(o.cwd, f)).filter((f) => fs.existsSync(f));
    if (!present.length) throw new AigisError(`none of the files in $KUBECONFIG exists (${files.join(path.delimiter)})`);
    kc = readKubeconfig(lib, present[0]!);
    for (const f of present.slice(1)) mergeFirstWins(kc, readKubeconfig(lib, f));
    origin = '$KUBECONFIG';
  } else {
    const home = o.env.HOME ?? o.env.USERPROFILE;
    const file = home ? path.join(home, '.kube', 'config') : undefined;
    if (file && fs.existsSync(file)) {
      kc = readKubeconfig(lib, file);
      origin = '~/.kube/config';
    } else {
      kc = inClusterConfig(lib, o);
      origin = 'in-cluster service account';
      if (!kc) {
        throw new AigisError('no cluster configuration: pass --kubeconfig, set $KUBECONFIG or create ~/.kube/config (inside a pod, aigis uses its service account)');
      }
    }
  }

  if (o.context) {
    if (!kc.getContextObject(o.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new UsageError(`context "${o.context}" is not in the kubeconfig (${names.length ? `contexts: ${names.join(', ')}` : 'it has no contexts'})`);
    }
    kc.setCurrentContext(o.context);
  }
  const context = kc.getCurrentContext();
  if (!context) throw new AigisError(`the kubeconfig (${origin}) sets no current-context: pass --context`);
  const ctx = kc.getContextObject(context);
  if (!ctx) throw new AigisError(`current-context "${context}" is not among the contexts of the kubeconfig (${origin})`);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new AigisError(`context "${context}" names cluster "${ctx.cluster}", which the kubeconfig (${origin}) does not define with a server`);
  if (!kc.getCurrentUser()) throw new AigisError(`context "${context}" names user "${ctx.user}", which the kubeconfig (${origin}) does not define`);
  return { kc, context, server: cluster.server, origin };
}
