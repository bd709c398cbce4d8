// The effective security context of a container, as the kubelet computes it: pod-level fields
// that Kubernetes inherits are merged under the container's own; container-only fields are never
// taken from the pod (a `privileged: true` at pod level is rejected by the API server, and a
// linter that honours it there would hide a container that sets nothing).

/** Fields a container inherits from PodSecurityContext when it does not set them itself. */
export const INHERITED_FIELDS = [
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'seccompProfile',
  'appArmorProfile',
  'seLinuxOptions',
  'windowsOptions',
] as const;

/** Fields that exist only on the container's SecurityContext. */
export const CONTAINER_ONLY_FIELDS = [
  'privileged',
  'allowPrivilegeEscalation',
  'capabilities',
  'readOnlyRootFilesystem',
  'procMount',
] as const;

export interface EffectiveSecurityContext {
  value: Record<string, unknown>;
  /** field → JSON pointer it came from (relative to the document). */
  origins: Record<string, string>;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface SecurityContextInput {
  container: Obj;
  containerPointer: string;
  containerName: string;
  pod: Obj | undefined;
  podPointer: string;
  /** Pod template annotations (legacy seccomp/AppArmor annotations) and their pointer. */
  annotations: Obj | undefined;
  annotationsPointer: string;
}

export function effectiveSecurityContext(input: SecurityContextInput): EffectiveSecurityContext {
  const value: Obj = {};
  const origins: Record<string, string> = {};
  const own = isObj(input.container.securityContext) ? input.container.securityContext : undefined;
  const podSc = isObj(input.pod?.securityContext) ? (input.pod!.securityContext as Obj) : undefined;
  const ownPtr = `${input.containerPointer}/securityContext`;
  const podPtr = `${input.podPointer}/securityContext`;

  if (own) {
    for (const [k, v] of Object.entries(own)) {
      value[k] = k === 'capabilities' ? normaliseCapabilities(v) : v;
      origins[k] = `${ownPtr}/${k}`;
    }
  }
  if (podSc) {
    for (const k of INHERITED_FIELDS) {
      if (value[k] === undefined && podSc[k] !== undefined) {
        value[k] = podSc[k];
        origins[k] = `${podPtr}/${k}`;
      }
    }
  }
  // Annotations used before the securityContext fields existed; the fields win when both are set.
  const ann = input.annotations;
  if (ann) {
    const annPtr = (key: string) => `${input.annotationsPointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (value.seccompProfile === undefined) {
      for (const key of [`container.seccomp.security.alpha.kubernetes.io/${input.containerName}`, 'seccomp.security.alpha.kubernetes.io/pod']) {
        const v = ann[key];
        if (typeof v === 'string') {
          value.seccompProfile = seccompFromAnnotation(v);
          origins.seccompProfile = annPtr(key);
          break;
        }
      }
    }
    const aaKey = `container.apparmor.security.beta.kubernetes.io/${input.containerName}`;
    if (value.appArmorProfile === undefined && typeof ann[aaKey] === 'string') {
      value.appArmorProfile = appArmorFromAnnotation(ann[aaKey] as string);
      origins.appArmorProfile = annPtr(aaKey);
    }
  }
  return { value, origins };
}

/** Capability names as the runtime reads them: upper case, without the CAP_ prefix. */
export function normaliseCapabilities(caps: unknown): unknown {
  if (!isObj(caps)) return caps;
  const out: Obj = { ...caps };
  for (const k of ['add', 'drop']) {
    if (Array.isArray(caps[k])) {
      out[k] = (caps[k] as unknown[]).map((c) => (typeof c === 'string' ? c.trim().toUpperCase().replace(/^CAP_/, '') : c));
    }
  }
  return out;
}

function seccompFromAnnotation(v: string): Obj {
  if (v === 'unconfined') return { type: 'Unconfined' };
  if (v === 'runtime/default' || v === 'docker/default') return { type: 'RuntimeDefault' };
  if (v.startsWith('localhost/')) return { type: 'Localhost', localhostProfile: v.slice('localhost/'.length) };
  return { type: v };
}

function appArmorFromAnnotation(v: string): Obj {
  if (v === 'unconfined') return { type: 'Unconfined' };
  if (v === 'runtime/default') return { type: 'RuntimeDefault' };
  if (v.startsWith('localhost/')) return { type: 'Localhost', localhostProfile: v.slice('localhost/'.length) };
  return { type: v };
}
