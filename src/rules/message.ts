// Message templates: `{{field.path}}` reads the subject, `{{value}}` is the offending value,
// `{{value.name}}` a field of it, `{{key}}` the offending field's name, `{{missing}}` the missing
// field of a `required` violation. Values of `sensitive` rules and known secrets are masked.

import { parsePointer } from '../util/pointer.js';

export interface MessageContext {
  subject: Record<string, unknown>;
  instancePath: string;
  value: unknown;
  missing?: string;
  sensitive: boolean;
  secrets?: ReadonlySet<string>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const MAX_VALUE = 120;

/**
 * Could this literal be a credential? Booleans, numbers, short words and variable references
 * (`$(TOKEN)`, `${TOKEN}`) are not, and masking them everywhere would garble reports.
 */
export function isSecretLike(value: string): boolean {
  const v = value.trim();
  if (v === '') return false;
  if (/^(true|false|yes|no|on|off|null|none|enabled|disabled)$/i.test(v)) return false;
  if (/^[-+]?[0-9.]+$/.test(v)) return false;
  if (/^(\$\([^)]*\)|\$\{[^}]*\}|\{\{.*\}\})$/.test(v)) return false;
  return true;
}

/** `hf_abcdef…` → `hf_ab…`: enough to recognise which secret, never enough to use it. */
export function maskSecret(value: string): string {
  if (value.length <= 4) return '…';
  const keep = Math.min(5, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}…`;
}

// Placeholder names come from rule templates: split each once.
const dottedPaths = new Map<string, string[]>();

function lookup(root: unknown, dotted: string): unknown {
  let parts = dottedPaths.get(dotted);
  if (!parts) {
    parts = dotted.split('.');
    if (dottedPaths.size < 10_000) dottedPaths.set(dotted, parts);
  }
  let cur = root;
  for (const part of parts) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}

function show(value: unknown, ctx: MessageContext, secretish: boolean): string {
  if (value === undefined) return '?';
  let s: string;
  if (typeof value === 'string') s = value;
  else if (value === null) s = 'null';
  else if (typeof value === 'object') {
    const ref = (value as { ref?: unknown }).ref;
    s = typeof ref === 'string' ? ref : JSON.stringify(value);
  } else s = String(value);
  if (secretish || (ctx.secrets && ctx.secrets.has(s))) return maskSecret(s);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

function fill(name: string, ctx: MessageContext): string {
  if (name === 'value') return show(ctx.value, ctx, ctx.sensitive);
  if (name.startsWith('value.')) {
    const field = name.slice('value.'.length);
    // Fields named value/secret of a sensitive value stay masked; names and keys do not.
    const v = lookup(ctx.value, field);
    return show(v, ctx, ctx.sensitive && /(^|\.)value$/.test(field));
  }
  if (name === 'key') {
    const segs = parsePointer(ctx.instancePath);
    return segs.length ? segs[segs.length - 1]! : '?';
  }
  if (name === 'missing') return ctx.missing ?? '?';
  if (name === 'path') return ctx.instancePath || '/';
  return show(lookup(ctx.subject, name), ctx, false);
}

// Templates split once into text and placeholder names (even indexes text, odd names): a
// message is rendered for every finding.
const parsedTemplates = new Map<string, string[]>();

export function renderMessage(template: string, ctx: MessageContext): string {
  let parts = parsedTemplates.get(template);
  if (!parts) {
    parts = template.split(PLACEHOLDER);
    if (parsedTemplates.size < 10_000) parsedTemplates.set(template, parts);
  }
  if (parts.length === 1) return parts[0]!;
  // Joined, not added up: `+=` leaves a tree of string pieces that every finding keeps until
  // the report (tens of bytes each, for tens of thousands of findings); join makes one string.
  const out: string[] = [parts[0]!];
  for (let i = 1; i < parts.length; i += 2) out.push(fill(parts[i]!, ctx), parts[i + 1]!);
  return out.join('');
}

/** Placeholders of a template (for the meta-tests that check every one can resolve). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}
