// Which rules checked which object: recorded only when a report needs passes as well as failures
// (JUnit: one testcase per rule × object).

import type { ObjectRef, Subject } from '../model/types.js';
import type { Rule } from './rule.js';

export interface CheckedObject {
  /** File or logical name of the object. */
  where: string;
  /** The file, when the object came from one. */
  file?: string;
  helmSource?: string;
  /** `Kind/namespace/name`, or the subject key for subjects with no Kubernetes object. */
  label: string;
  rules: Set<string>;
}

/** By `where` + label. */
export type CheckLog = Map<string, CheckedObject>;

export function objectLabel(object: ObjectRef | undefined, subjectKey: string): string {
  if (!object?.kind) return subjectKey;
  return [object.kind, object.namespace, object.name].filter((x) => x !== undefined && x !== '').join('/');
}

export function checkRecorder(log: CheckLog): (subject: Subject, rule: Rule) => void {
  const places = new WeakMap<Subject, CheckedObject>();
  return (subject, rule) => {
    let entry = places.get(subject);
    if (!entry) {
      const l = subject.locate('');
      const where = l.file ?? l.logical ?? '';
      const label = objectLabel(subject.object, subject.key);
      const k = `${where}\u0000${l.helmSource ?? ''}\u0000${label}`;
      entry = log.get(k);
      if (!entry) {
        entry = { where, label, rules: new Set() };
        if (l.file && l.file !== '-') entry.file = l.file;
        if (l.helmSource) entry.helmSource = l.helmSource;
        log.set(k, entry);
      }
      places.set(subject, entry);
    }
    entry.rules.add(rule.id);
  };
}
