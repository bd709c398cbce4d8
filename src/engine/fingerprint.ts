import { hash } from 'node:crypto';

/**
 * A finding's identity for baselines and SARIF partialFingerprints: the rule, the subject (object
 * apiVersion/kind/namespace/name, container name) and the field — never a line number, so it
 * survives line moves and re-rendering. (One-shot `hash`, Node ≥ 20.12, costs a fraction of a
 * Hash object per finding.)
 */
export function fingerprint(ruleId: string, subjectKey: string, field: string): string {
  return hash('sha256', `${ruleId}\u0000${subjectKey}\u0000${field}`, 'hex').slice(0, 32);
}
