import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/webhook/metrics.js';
import { requestTarget } from '../../src/webhook/server.js';

// The plain targets the API server sends are split by hand; the answer must be what a WHATWG URL
// gives for every target, plain or not.
describe('requestTarget', () => {
  const targets = [
    '/validate?timeout=10s',
    '/validate?timeout=500ms',
    '/validate',
    '/validate?',
    '/validate?timeout=',
    '/validate?timeout=10s&x=1',
    '/validate?x=1&timeout=2s',
    '/validate?timeout=1%30s',
    '/validate?timeout=10s#frag',
    '/validate#?timeout=1s',
    '/Validate?timeout=10s',
    '/validate/../validate?timeout=3s',
    '/validate/?timeout=3s',
    '//evil/validate?timeout=3s',
    '/%76alidate',
    '/healthz',
    '/metrics',
    '/',
    '',
    '?timeout=1s',
    '/a b',
    '/validate?timeout=1s?timeout=2s',
    '/validate?timeout=1+s',
  ];
  it.each(targets)('%j', (raw) => {
    const url = new URL(raw, 'https://webhook');
    const got = requestTarget(raw);
    expect(got.pathname).toBe(url.pathname);
    expect(got.timeout()).toBe(url.searchParams.get('timeout'));
  });
});

describe('Metrics label sets', () => {
  it('counts a reused label object each time and escapes values as before', () => {
    const m = new Metrics('t');
    m.counter('c', 'help');
    const labels = { rule: 'a"b\\c\nd', severity: 'high' };
    m.inc('c', labels);
    m.inc('c', labels);
    m.inc('c', { severity: 'high', rule: 'a"b\\c\nd' });
    expect(m.get('c', { rule: 'a"b\\c\nd', severity: 'high' })).toBe(3);
    expect(m.render()).toContain('t_c{rule="a\\"b\\\\c\\nd",severity="high"} 3\n');
  });
});
