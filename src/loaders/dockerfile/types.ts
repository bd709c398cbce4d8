// The plain-JSON shape of `dockerfile` and `stage` subjects (what rules in rules.d/dockerfile see).
// docs: each field says where it comes from; derived facts are computed once, in the loader.

import type { ImageRef } from '../../model/image-ref.js';
import type { StageComponent } from './components.js';

/** A program and its arguments, as the shell would run it. */
export interface ArgvRef {
  program: string;
  argv: string[];
}

/** One simple command of a RUN, CMD, ENTRYPOINT or HEALTHCHECK (shell or exec form). */
export interface CommandData {
  /** Which instruction it belongs to. */
  in: 'RUN' | 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK';
  /** Index into the stage's `runs` for RUN commands, else null. */
  run: number | null;
  /** Words after quote removal; variables with a known value are expanded, others kept as written (`$HOME`). */
  argv: string[];
  /** The command line for messages (words joined, at most 100 characters). */
  summary: string;
  /** Base name of the program run, after wrappers such as sudo, env, exec, nohup, time (`/usr/bin/python3` → `python3`). */
  program: string;
  /** The arguments after the program. */
  args: string[];
  /** `--name[=value]`, `-x` (each letter of `-xyz`): value or true. A value is the next word when not given with `=`. */
  opts: Record<string, string | true>;
  /** Wrapper programs stripped before `program` (`sudo`, `env`, …). */
  wrappers: string[];
  /** `NAME=value` words before the command, `env NAME=value`, and `export`/`declare` assignments. */
  assigns: Record<string, string>;
  /** The command whose output this one reads through a pipe. */
  pipeFrom: ArgvRef | null;
  /** The command this one pipes its output into. */
  pipeTo: ArgvRef | null;
  /** Runs inside `$(…)`, backquotes or `<(…)`. */
  substituted: boolean;
  /** Commands substituted into this command's words (`sh -c "$(curl …)"`). */
  substitutions: ArgvRef[];
  /** Text of a here-document fed to the command, if any. */
  heredoc: string | null;
  /** Redirections: operator and target word. */
  redirects: Array<{ op: string; target: string }>;
  /** Package installation (apt-get/apt, apk, pip/uv pip, yum/dnf/microdnf, conda/mamba), else null. */
  install: InstallData | null;
  /** chmod with a mode granting write to others (or COPY --chmod): the mode. */
  worldWritable: string | null;
  /** Model or file download facts for curl/wget/huggingface-cli/hf/ollama/git, else null. */
  download: DownloadData | null;
}

export interface InstallData {
  manager: 'apt' | 'apk' | 'pip' | 'yum' | 'conda' | 'npm';
  /** apt-get/apt `install` only: `--no-install-recommends` (or APT::Install-Recommends=false) given. */
  noInstallRecommends?: boolean;
  /** pip only: `--no-cache-dir` given. */
  noCacheDir?: boolean;
  /** apk only: `--no-cache` given. */
  noCache?: boolean;
  packages: Array<{ name: string; version: string | null; pinned: boolean }>;
}

export interface DownloadData {
  tool: 'curl' | 'wget' | 'huggingface-cli' | 'hf' | 'ollama' | 'git';
  /** URL or model id fetched. */
  source: string;
  /** It fetches model weights (a model id, a Hub `resolve/` URL, or a weight file extension). */
  model: boolean;
  /** A revision or commit is pinned (40-hex Hub revision, `@sha256:` digest). */
  pinned: boolean;
}

export interface RunData {
  form: 'shell' | 'exec' | 'heredoc';
  /** The script as the shell sees it (continuations joined, here-documents included). */
  text: string;
  /** `RUN <script>` for messages (at most 100 characters). */
  summary: string;
  /** Exec form: the JSON array. */
  argv: string[] | null;
  commands: CommandData[];
  /** `--mount` options, e.g. `{ type: secret, id: hf, target: /run/secrets/hf }`. */
  mounts: Array<Record<string, string>>;
  network: string | null;
  security: string | null;
  /** The shell parser accepted the script (false: commands are the words split on blanks). */
  parsed: boolean;
  /** Any command in this RUN checks a checksum (`sha256sum -c`, `shasum -c`, `gpg --verify`, …). */
  verifies: boolean;
}

export interface ExecData {
  keyword: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK';
  form: 'shell' | 'exec';
  /** The arguments as written (continuations joined). */
  text: string;
  /** `CMD …` for messages (at most 100 characters). */
  summary: string;
  argv: string[];
  commands: CommandData[];
  /** This instruction is overridden by a later one of the same keyword in the stage. */
  overridden: boolean;
}

export interface VariableData {
  instruction: 'ARG' | 'ENV';
  name: string;
  /** Value where known (an ARG default, an ENV value after expansion); null for `ARG NAME` with no default. */
  value: string | null;
  /** Named like a credential (rules.d/data/secrets.yaml). */
  secretName: boolean;
  /** Name of the token pattern the value matches, else null. */
  tokenKind: string | null;
  /** The value is empty or a dummy (`EMPTY`, `none`, `changeme`…): no credential in it. */
  placeholder: boolean;
  /** For messages: the value masked when it is a credential, or how an ARG without default gets one. */
  display: string;
  /** Before the first FROM (global ARG), else the stage index. */
  stage: number | null;
}

export interface CopyData {
  instruction: 'COPY' | 'ADD';
  /** The instruction for messages (at most 100 characters). */
  summary: string;
  sources: Array<{
    path: string;
    url: boolean;
    git: boolean;
    name: string;
    /** Pickle-based model weights by extension (rules.d/data/model-supply-chain.yaml). */
    pickle: boolean;
    /** Credential file it names or lands as (rules.d/data/image-files.yaml secretFiles), else null. */
    secretKind: string | null;
  }>;
  dest: string;
  /** `--from`: the stage it names, an image, or nothing known. */
  from: { value: string; kind: 'stage' | 'image' | 'undefined' | 'self' | 'later' | 'unresolved'; stage: number | null } | null;
  chmod: string | null;
  chown: string | null;
  checksum: string | null;
  link: boolean;
  heredoc: boolean;
  /** --chmod grants write to others. */
  worldWritable: boolean;
}

export interface UserData {
  /** As written, variables expanded. */
  value: string;
  user: string;
  group: string | null;
  /** true for root/0, false for any other known user, null when a variable is unknown. */
  root: boolean | null;
  /** Set by an earlier stage this one is built FROM. */
  inherited: boolean;
}

export interface StageData {
  index: number;
  /** `AS name` (lowercased, as BuildKit does), or null. */
  name: string | null;
  /** The last stage: the image `docker build` produces. */
  final: boolean;
  /** The final stage or a stage it is built FROM (their layers ship in the image). */
  shipped: boolean;
  /** An earlier stage of the same name exists. */
  duplicateName: boolean;
  from: {
    /** As written. */
    raw: string;
    /** After ARG expansion. */
    image: string;
    ref: ImageRef | null;
    /** The earlier stage this one is built from, else null. */
    stage: number | null;
    scratch: boolean;
    /** Every variable in it had a known value. */
    resolved: boolean;
    platform: string | null;
  };
  user: UserData | null;
  /** ENV instructions of this stage; `summary` is `NAME=value` for messages. */
  env: Array<{ name: string; value: string; summary: string }>;
  /** Effective environment at the end of the stage (inherited through FROM <stage>). */
  environment: Record<string, string>;
  args: Array<{ name: string; value: string | null }>;
  expose: Array<{ port: number; endPort: number; protocol: string; raw: string }>;
  healthcheck: { none: boolean; argv: string[]; inherited: boolean } | null;
  cmds: ExecData[];
  entrypoints: ExecData[];
  /** The effective CMD / ENTRYPOINT (last one, or inherited). */
  cmd: ExecData | null;
  entrypoint: ExecData | null;
  runs: RunData[];
  /** Every command of every RUN, CMD, ENTRYPOINT and HEALTHCHECK in this stage, in order. */
  commands: CommandData[];
  copies: CopyData[];
  workdirs: Array<{ path: string; absolute: boolean | null }>;
  labels: Record<string, string>;
  /** Shell of shell-form instructions (SHELL), default `/bin/sh -c`. */
  shell: string[];
  /** AI server the stage builds (rules.d/data/components.yaml), else null. */
  component: StageComponent | null;
  /** Settings that let a model repository run its own code (rules.d/data/model-supply-chain.yaml). */
  trustRemoteCode: Array<{ via: string; setting: string }>;
  /** Settings that turn a notebook server's authentication off (components.yaml disable switches). */
  notebookAuthDisabled: Array<{ via: string; setting: string }>;
}

export interface DockerfileData {
  path: string;
  escape: string;
  stageCount: number;
  stages: Array<{ index: number; name: string | null; image: string; final: boolean }>;
  /** Every ARG and ENV in the file (global ARGs included). */
  variables: VariableData[];
}
