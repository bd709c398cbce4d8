import { createHash } from 'node:crypto';

/**
 * A finding's identity for baselines and SARIF partialFingerprints: the rule, the subject (object
 * apiVersion/kind/namespace/name, container name) and the field — never a line number, so it
 * survives line moves and re-rendering.
 */
export function fingerprint(ruleId: string, subjectKey: string, field: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${subjectKey}\u0000${field}`).digest('hex').slice(0, 32);
}
