// AdmissionReview v1 requests shaped as the API server sends them, and a small HTTPS client.

import https from 'node:https';
import { randomUUID } from 'node:crypto';

type Obj = Record<string, unknown>;

export interface ReviewOptions {
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  object?: Obj | null;
  oldObject?: Obj | null;
  dryRun?: boolean;
  subResource?: string;
  uid?: string;
  /** group/version/kind/resource of the request; taken from the object when absent. */
  gvk?: { group: string; version: string; kind: string; resource: string };
}

const RESOURCES: Record<string, string> = {
  Pod: 'pods',
  Deployment: 'deployments',
  Service: 'services',
  ConfigMap: 'configmaps',
  InferenceService: 'inferenceservices',
  Ingress: 'ingresses',
};

export function admissionReview(o: ReviewOptions): Obj {
  const subject = (o.object ?? o.oldObject) as Obj;
  const apiVersion = String(subject.apiVersion);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const kind = String(subject.kind);
  const gvk = o.gvk ?? { group: group!, version: version!, kind, resource: RESOURCES[kind] ?? `${kind.toLowerCase()}s` };
  const meta = (subject.metadata ?? {}) as Obj;
  const operation = o.operation ?? 'CREATE';
  const optionsKind = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: 'CreateOptions' }[operation];
  const request: Obj = {
    uid: o.uid ?? randomUUID(),
    kind: { group: gvk.group, version: gvk.version, kind: gvk.kind },
    resource: { group: gvk.group, version: gvk.version, resource: gvk.resource },
    requestKind: { group: gvk.group, version: gvk.version, kind: gvk.kind },
    requestResource: { group: gvk.group, version: gvk.version, resource: gvk.resource },
    name: meta.name ?? '',
    namespace: meta.namespace,
    operation,
    userInfo: { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] },
    object: o.object === undefined ? null : o.object,
    oldObject: o.oldObject === undefined ? null : o.oldObject,
    dryRun: o.dryRun === true,
    options: { kind: optionsKind, apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' },
  };
  if (o.subResource) {
    request.subResource = o.subResource;
    request.requestSubResource = o.subResource;
  }
  return { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): { response: { uid: string; allowed: boolean; status?: { code: number; message: string; reason?: string }; warnings?: string[]; auditAnnotations?: Record<string, string> } } & Obj;
}

export function request(url: string, o: { method?: string; body?: string | Buffer; headers?: Record<string, string | number>; agent: https.Agent }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: o.method ?? 'POST', agent: o.agent, headers: { 'content-type': 'application/json', ...o.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
