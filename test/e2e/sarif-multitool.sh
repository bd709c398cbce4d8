#!/usr/bin/env bash
# aigis's SARIF checked by Microsoft's SARIF Multitool (@microsoft/sarif-multitool) with its SARIF
# rules and GitHub code scanning's ingestion rules (--rule-kind "Sarif;Gh"). Zero errors is the
# bar; warnings and notes are printed (docs/sarif.md explains any that remain).
# Runs on: the examples/ scan, the reporter fixtures (Helm template mapping, suppressions, moved
# objects), a clean run (results: []) and a run with an unreadable input (a tool notification).
# The npm wrapper of the Multitool mangles the ";" of --rule-kind: call the binary itself.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
tool="$root/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
policy="$root/test/e2e/sarif-multitool.xml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
[ -x "$tool" ] || { echo "sarif e2e: FAIL: $tool not found (npm ci installs it)" >&2; exit 1; }
[ -f dist/aigis.js ] || node scripts/build.mjs

# aigis exits 1 on findings; 2 (bad input) is expected only where asked for.
sarif() {
  local out="$1" want="$2"
  shift 2
  set +e
  node bin/aigis.js scan "$@" --format sarif --output "$work/$out.sarif" 2>"$work/$out.stderr"
  local code=$?
  set -e
  if [ "$code" -ne "$want" ]; then
    echo "sarif e2e: FAIL: aigis scan $* exited $code, expected $want" >&2
    cat "$work/$out.stderr" >&2
    exit 1
  fi
}

sarif examples 1 examples/
sarif fixtures 1 test/report/fixtures/helm/rendered.yaml test/report/fixtures/suppressed.yaml test/report/fixtures/moved \
  --chart-dir test/report/fixtures/helm/chart --config test/report/fixtures/empty.aigis.yaml
sarif clean 0 test/report/fixtures/moved/before.yaml --rule host-network
sarif unreadable 2 test/report/fixtures/moved/before.yaml test/report/fixtures/no-such-file.yaml

errors=0
for f in "$work"/*.sarif; do
  name="$(basename "$f" .sarif)"
  echo "== $name.sarif: $(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(d.runs[0].results.length + " results, " + d.runs[0].tool.driver.rules.length + " rules")' "$f")"
  # Errors and warnings in full; notes (advice, docs/sarif.md) counted by rule.
  "$tool" validate "$f" --rule-kind "Sarif;Gh" --level "Error;Warning;Note" --config "$policy" \
    --output "$work/$name.validation.sarif" --quiet >/dev/null
  node -e '
    const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const counts = { error: 0, warning: 0 };
    const notes = new Map();
    for (const run of log.runs) {
      const rules = new Map((run.tool.driver.rules ?? []).map((r) => [r.id, r]));
      for (const r of run.results ?? []) {
        const level = r.level ?? "warning";
        if (level === "note") {
          notes.set(r.ruleId, (notes.get(r.ruleId) ?? 0) + 1);
          continue;
        }
        counts[level] = (counts[level] ?? 0) + 1;
        const template = rules.get(r.ruleId)?.messageStrings?.[r.message.id]?.text ?? r.message.text ?? r.message.id;
        const text = String(template).replace(/\{(\d+)\}/g, (_, i) => r.message.arguments?.[Number(i)] ?? "");
        console.log(`  ${level} ${r.ruleId}: ${text}`);
      }
    }
    const noted = [...notes].map(([id, n]) => `${id} x${n}`).join(", ");
    console.log(`  ${counts.error} errors, ${counts.warning} warnings; notes: ${noted || "none"}`);
    require("fs").writeFileSync(process.argv[2], String(counts.error));
  ' "$work/$name.validation.sarif" "$work/$name.errors"
  errors=$((errors + $(cat "$work/$name.errors")))
done

[ "$errors" -eq 0 ] || { echo "sarif e2e: FAIL: $errors SARIF Multitool errors" >&2; exit 1; }

# The check can fail: a copy with an empty driver name (GitHub rejects it: GH1018) and a line 0
# must give errors.
node -e '
  const fs = require("fs");
  const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  d.runs[0].tool.driver.name = "";
  d.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
  fs.writeFileSync(process.argv[2], JSON.stringify(d));
' "$work/examples.sarif" "$work/canary.json"
"$tool" validate "$work/canary.json" --rule-kind "Sarif;Gh" --config "$policy" --output "$work/canary.validation.sarif" --quiet >/dev/null
node -e '
  const ids = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runs[0].results.filter((r) => r.level === "error").map((r) => r.ruleId);
  for (const want of ["GH1018", "JSON1008"]) if (!ids.includes(want)) { console.error(`sarif e2e: FAIL: the Multitool did not report ${want} on a broken log (got ${ids.join(", ")})`); process.exit(1); }
  console.log(`== a broken copy gives ${ids.join(", ")}, as it should`);
' "$work/canary.validation.sarif"
echo "== SARIF Multitool (Sarif;Gh): 0 errors"
