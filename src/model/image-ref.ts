// Container image references, parsed as the container runtimes do (distribution/reference):
// `[registry/]repository[:tag][@digest]`, with Docker Hub and `library/` as the defaults.

export interface ImageRef {
  /** The reference exactly as written. */
  ref: string;
  registry: string;
  /** Path without the registry, e.g. `library/nginx`, `vllm/vllm-openai`. */
  repository: string;
  /** Last path segment, e.g. `vllm-openai`. */
  name: string;
  tag?: string;
  digest?: string;
  /**
   * Holds a template, a variable or a placeholder (`${IMAGE}`, `$IMAGE`, `{{ .Values.image }}`,
   * `$(REF)`, `<image>`, `gcr.io/YOUR_PROJECT/app`): not resolvable here.
   */
  templated?: boolean;
}

// No valid reference contains `$`, `{{` or `<`.
const TEMPLATE = /\$|\{\{|<[A-Za-z_]/;
// Repository paths are lower case (distribution/reference); upper case marks a placeholder.
const PLACEHOLDER_PATH = /[A-Z]/;

export function parseImageRef(raw: string): ImageRef {
  const ref = raw.trim();
  const templated = TEMPLATE.test(ref);
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A tag is whatever follows the last ':' after the last '/' (a ':' before that is a registry port).
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = 'docker.io';
  let repository = rest;
  const first = rest.indexOf('/');
  if (first >= 0) {
    const head = rest.slice(0, first);
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      registry = head;
      repository = rest.slice(first + 1);
    }
  }
  if (registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io') {
    registry = 'docker.io';
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  const out: ImageRef = { ref, registry, repository, name: repository.slice(repository.lastIndexOf('/') + 1) };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  if (templated || PLACEHOLDER_PATH.test(repository)) out.templated = true;
  return out;
}
