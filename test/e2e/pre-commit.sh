#!/usr/bin/env bash
# The aigis pre-commit hook, for real, through pre-commit itself (Debian's: apt-get install -y
# pre-commit). pre-commit installs this checkout as a `language: node` hook (npm install, npm
# pack, npm install -g into its own node environment) and runs it in throwaway git repositories:
#   - an insecure manifest: the hook fails and pre-commit shows aigis's findings;
#   - a clean repository (a hardened Deployment, a Helm chart's templates, a CI workflow): it passes.
# Needs git, node/npm and access to the npm registry (the hook's dependencies are installed).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixtures="$here/fixtures/pre-commit"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() { echo "pre-commit e2e: FAIL: $*" >&2; exit 1; }
command -v pre-commit >/dev/null || fail "pre-commit is not installed (apt-get install -y pre-commit)"
echo "== $(pre-commit --version), $(git --version), node $(node --version)"

export GIT_AUTHOR_NAME=aigis-e2e GIT_AUTHOR_EMAIL=e2e@aigis.invalid
export GIT_COMMITTER_NAME=aigis-e2e GIT_COMMITTER_EMAIL=e2e@aigis.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home"
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# The hook repository: this checkout's files (tracked ones and new ones that are not ignored)
# committed in a temporary repository. try-repo reads commits (and tracked changes), so copying
# makes the script test the working tree as it is, on a clean clone in CI and mid-change alike.
src="$work/aigis"
mkdir -p "$src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
  while IFS= read -r -d '' f; do
    if [ -f "$root/$f" ]; then
      mkdir -p "$src/$(dirname "$f")"
      cp -p "$root/$f" "$src/$f"
    fi
  done
git -C "$src" init -q
git -C "$src" add -A
git -C "$src" commit -q -m "aigis under test"

# Run the hook on every file of a fixture repository; prints pre-commit's output, returns its code.
run_hook() {
  local name="$1" dir="$work/$1"
  cp -R "$fixtures/$name" "$dir"
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "$name fixture"
  (cd "$dir" && pre-commit try-repo "$src" aigis --all-files --color never)
}

echo "== insecure repository: the hook must fail with aigis's findings"
set +e
out="$(run_hook insecure 2>&1)"
code=$?
set -e
printf '%s\n' "$out"
[ "$code" -ne 0 ] || fail "the hook passed an insecure manifest"
grep -Eq '^aigis\.+Failed' <<<"$out" || fail "pre-commit did not report the aigis hook as Failed"
grep -q 'deploy/ollama.yaml' <<<"$out" || fail "aigis's output does not name deploy/ollama.yaml"
# privileged-container, or the GPU rule that supersedes it, at the line of `privileged: true`.
grep -Eq '19:13 +(critical|high) +([a-z]+-)?privileged-container +container ollama runs privileged' <<<"$out" || fail "aigis's output lacks the privileged container at 19:13"
grep -Eq 'hook id: aigis' <<<"$out" || fail "pre-commit did not show the hook's output"

echo "== clean repository: the hook must pass"
set +e
out="$(run_hook clean 2>&1)"
code=$?
set -e
printf '%s\n' "$out"
[ "$code" -eq 0 ] || fail "the hook failed a clean repository (exit $code)"
grep -Eq '^aigis\.+Passed' <<<"$out" || fail "pre-commit did not report the aigis hook as Passed"

echo "== pre-commit e2e passed"
