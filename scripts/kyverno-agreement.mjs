// Compare aigis' pod-security verdicts with the Kyverno Pod Security Standards policies' expected
// verdicts (../shared/corpus/peers/kyverno/expectations.json: kyverno/policies' CLI tests and
// chainsaw admission tests). A development check, not a test: the corpus is not part of the repo.
//
//   node scripts/build.mjs && node scripts/kyverno-agreement.mjs [KYVERNO_DIR] [--list]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const list = args.includes('--list');
const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(root, '../shared/corpus/peers/kyverno'));
const expectations = JSON.parse(fs.readFileSync(path.join(dir, 'expectations.json'), 'utf8'));

// Kyverno policy (and rule) → the aigis rules that check the same control.
const RULES = {
  'disallow-capabilities': ['dangerous-capabilities'],
  'disallow-capabilities-strict/adding-capabilities-strict': ['dangerous-capabilities'],
  'disallow-capabilities-strict/require-drop-all': ['capabilities-not-dropped'],
  'disallow-capabilities-strict': ['dangerous-capabilities', 'capabilities-not-dropped'],
  'disallow-host-namespaces': ['host-network', 'host-pid', 'host-ipc'],
  'disallow-host-path': ['host-path-volume', 'sensitive-host-path', 'container-runtime-socket'],
  'disallow-host-ports': ['host-port'],
  'disallow-host-ports-range': ['host-port'],
  'disallow-privileged-containers': ['privileged-container'],
  'disallow-proc-mount': ['unsafe-proc-mount'],
  'restrict-apparmor-profiles': ['apparmor-unconfined'],
  'restrict-seccomp': ['seccomp-unconfined'],
  'restrict-seccomp-strict': ['seccomp-unconfined'],
  'restrict-sysctls': ['unsafe-sysctls'],
  'disallow-privilege-escalation': ['privilege-escalation-allowed'],
  'require-run-as-non-root-user': ['run-as-root'],
  'require-run-as-nonroot': ['run-as-root'],
};
const rulesFor = (c) => RULES[`${c.policy}/${c.rule}`] ?? RULES[c.policy];

const cases = [
  ...expectations.cases.map((c) => ({ ...c, set: 'cli' })),
  ...expectations.chainsaw_cases.map((c) => ({ ...c, set: 'chainsaw' })),
].filter(rulesFor);
const files = [...new Set(cases.map((c) => c.resource_file))];
const allRules = [...new Set(Object.values(RULES).flat())];

// One scan of every resource file with the mapped rules, findings located by line.
const out = execFileSync(
  process.execPath,
  [path.join(root, 'bin/aigis.js'), 'scan', ...files, '--format', 'json', '--fail-on', 'none', ...allRules.flatMap((r) => ['--rule', r])],
  { cwd: dir, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
);
const findings = JSON.parse(out).findings;

// Line ranges of the non-empty documents of each file (expectations count only those).
const docRanges = new Map();
for (const file of files) {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const lineOf = (offset) => text.slice(0, offset).split('\n').length;
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  docRanges.set(file, docs.map((d) => [lineOf(d.range[0]), lineOf(d.range[2])]));
}
const docOf = (file, line) => docRanges.get(file)?.findIndex(([a, b]) => line >= a && line <= b);

const fired = new Map(); // `${file}#${doc}` → Set(rule ids)
for (const f of findings) {
  const file = path.relative(dir, path.resolve(dir, f.location.file));
  const key = `${file}#${docOf(file, f.location.line)}`;
  if (!fired.has(key)) fired.set(key, new Set());
  fired.get(key).add(f.ruleId);
}

const tally = new Map();
const disagreements = [];
for (const c of cases) {
  const got = rulesFor(c).some((r) => fired.get(`${c.resource_file}#${c.doc_index}`)?.has(r)) ? 'fail' : 'pass';
  const key = `${c.set} ${c.policy}${c.rule ? `/${c.rule}` : ''}`;
  const t = tally.get(key) ?? { agree: 0, total: 0 };
  t.total++;
  if (got === c.result) t.agree++;
  else disagreements.push(`${key}: ${c.kind} ${c.name} (${c.resource_file}#${c.doc_index}) kyverno ${c.result}, aigis ${got}`);
  tally.set(key, t);
}
let agree = 0;
let total = 0;
for (const [key, t] of [...tally].sort()) {
  console.log(`${key.padEnd(78)} ${String(t.agree).padStart(4)}/${t.total}`);
  agree += t.agree;
  total += t.total;
}
console.log(`${'all'.padEnd(78)} ${String(agree).padStart(4)}/${total}`);
if (list) for (const d of disagreements) console.log(d);
