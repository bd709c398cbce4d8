// Version comparison and the vulnerable-versions table (rules.d/data/vulnerable-versions.yaml).
// One clean entry point, `matchVulnerabilities(db, product, version)`, serves both the manifest
// model (image tags) and the image inventory (package versions found inside images).
//
// Schemes: `semver` (x.y.z, via the semver package), `pep440` (Python releases, via
// @renovatebot/pep440), `yymm` (NVIDIA Triton's `25.07`) and `build` (llama.cpp's `b3561`).

import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import type { DataTables } from '../rules/data.js';
import type { ImageRef } from './image-ref.js';

export type VersionScheme = 'semver' | 'pep440' | 'yymm' | 'build';
export type VulnerabilitySeverity = 'critical' | 'high' | 'medium' | 'low';

export interface Product {
  id: string;
  name: string;
  scheme: VersionScheme;
  category: 'gpu-stack' | 'ai-component';
  images?: string[];
  tagPattern?: string;
  packages?: Array<{ ecosystem: string; name: string }>;
}

export interface Advisory {
  product: string;
  introduced?: string;
  fixed?: string | null;
  cves: string[];
  severity: VulnerabilitySeverity;
  summary: string;
  requires?: { env?: string; flag?: string; pattern: string };
  references?: string[];
}

/** What a product's configuration says, for advisories limited to a setting (`requires`). */
export interface MatchContext {
  /** Environment of the container (literal values). */
  env?: Record<string, string>;
  /** Command line of the container. */
  argv?: string[];
}

/** The verdict for one product at one version: every advisory that applies, summed up. */
export interface VulnerabilityVerdict {
  product: string;
  name: string;
  category: Product['category'];
  version: string;
  /** The worst severity among the matched advisories. */
  severity: VulnerabilitySeverity;
  /** The first release that fixes every matched advisory; null when one has no known fix. */
  fixed: string | null;
  cves: string[];
  /** `CVE-a, CVE-b`, or the first summary when no CVE id exists (messages). */
  cveList: string;
  /** Summary of the most severe advisory (messages). */
  summary: string;
  /** `CVE-a, CVE-b: summary`, or the summary alone when no CVE id exists (messages). */
  headline: string;
  advisories: Advisory[];
}

const SEVERITY_ORDER: Record<VulnerabilitySeverity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** A version tag may name a whole release line (`7.2`); stand it for the newest release of it. */
const LINE_MAX = 999_999;

interface Parsed {
  scheme: VersionScheme;
  key: string | number[];
}

const DEFAULT_TAG: Record<VersionScheme, RegExp> = {
  semver: /^v?(\d+(?:\.\d+){0,2})(?![\d.])/,
  pep440: /^v?(\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?)(?![\d.])/i,
  yymm: /^(\d{2}\.\d{2})(?!\d)/,
  build: /(?:^|[-_.])b(\d{3,})(?![\d])/,
};

// The same few versions (advisory bounds, image tags) are read again and again; pep440's parser
// is one large regular expression. Answers are remembered, up to a bound (they are not modified).
const parsedVersions = new Map<string, Parsed | undefined>();

/** Read a version written in `scheme`; undefined when it is not one. */
export function parseVersion(scheme: VersionScheme, raw: string): Parsed | undefined {
  const key = `${scheme}:${raw}`;
  if (parsedVersions.has(key)) return parsedVersions.get(key);
  const parsed = readVersion(scheme, raw);
  if (raw.length <= 256) {
    if (parsedVersions.size >= 4096) parsedVersions.clear();
    parsedVersions.set(key, parsed);
  }
  return parsed;
}

function readVersion(scheme: VersionScheme, raw: string): Parsed | undefined {
  const text = raw.trim();
  switch (scheme) {
    case 'semver': {
      const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(text);
      if (!m) return undefined;
      const major = Number(m[1]);
      // A missing minor or patch means the newest release of that line.
      const minor = m[2] === undefined ? LINE_MAX : Number(m[2]);
      const patch = m[3] === undefined ? LINE_MAX : Number(m[3]);
      const key = `${major}.${minor}.${patch}`;
      return semver.valid(key) ? { scheme, key } : undefined;
    }
    case 'pep440': {
      const v = text.replace(/^v/i, '');
      if (!pep440.valid(v)) return undefined;
      const release = v.split(/[^0-9.]/)[0]!.split('.').filter(Boolean);
      // `0.8` is the 0.8 line: its newest release, as for semver.
      if (release.length < 3 && /^[0-9.]+$/.test(v)) {
        const full = [...release, ...Array(3 - release.length).fill(String(LINE_MAX))].join('.');
        return { scheme, key: full };
      }
      return { scheme, key: v };
    }
    case 'yymm': {
      const m = /^(\d{2})\.(\d{2})$/.exec(text);
      return m ? { scheme, key: [Number(m[1]), Number(m[2])] } : undefined;
    }
    case 'build': {
      const m = /^b?(\d+)$/.exec(text);
      return m ? { scheme, key: [Number(m[1])] } : undefined;
    }
  }
}

/** Negative, zero or positive as a < b, a = b, a > b; undefined when either is not a version. */
export function compareVersions(scheme: VersionScheme, a: string, b: string): number | undefined {
  const pa = parseVersion(scheme, a);
  const pb = parseVersion(scheme, b);
  if (!pa || !pb) return undefined;
  return compareParsed(pa, pb);
}

function compareParsed(a: Parsed, b: Parsed): number {
  if (Array.isArray(a.key) && Array.isArray(b.key)) {
    for (let i = 0; i < Math.max(a.key.length, b.key.length); i++) {
      const d = (a.key[i] ?? 0) - (b.key[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  if (a.scheme === 'semver') return semver.compare(a.key as string, b.key as string);
  // pep440 parses both strings on every comparison: remember the answers, up to a bound.
  const key = `${a.key as string}\u0000${b.key as string}`;
  let order = pep440Orders.get(key);
  if (order === undefined) {
    order = pep440.compare(a.key as string, b.key as string);
    if (pep440Orders.size >= 4096) pep440Orders.clear();
    pep440Orders.set(key, order);
  }
  return order;
}

const pep440Orders = new Map<string, number>();

/** The version an image tag names, as `scheme` writes it (`v1.17.8-ubuntu20.04` → `1.17.8`). */
export function versionFromTag(product: Pick<Product, 'scheme' | 'tagPattern'>, tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const re = product.tagPattern ? compiled(product.tagPattern) : DEFAULT_TAG[product.scheme];
  const m = re.exec(tag);
  const v = m?.[1];
  if (!v) return undefined;
  const out = product.scheme === 'build' ? `b${v}` : v;
  return parseVersion(product.scheme, out) ? out : undefined;
}

export interface VulnerabilityDb {
  products: Product[];
  advisories: Advisory[];
  product(id: string): Product | undefined;
  /** The product an image is, by its registry/repository (the `images` patterns). */
  productForImage(image: Pick<ImageRef, 'registry' | 'repository'>): Product | undefined;
  /** The product a package of an image inventory is. */
  productForPackage(ecosystem: string, name: string): Product | undefined;
}

const cache = new WeakMap<DataTables, VulnerabilityDb>();

/** The compiled vulnerable-versions table of a catalogue (cached per table set). */
export function vulnerabilityDb(tables: DataTables): VulnerabilityDb {
  const known = cache.get(tables);
  if (known) return known;
  const table = tables['vulnerable-versions'] ?? {};
  const products = (table.products ?? []) as Product[];
  const advisories = (table.vulnerabilities ?? []) as Advisory[];
  const byId = new Map<string, Product>();
  // A user's row for an id already defined replaces nothing: the first definition wins.
  for (const p of products) if (!byId.has(p.id)) byId.set(p.id, p);
  const imageRes = [...byId.values()].map((p) => ({ p, res: (p.images ?? []).map((s) => new RegExp(s)) }));
  const forImage = new Map<string, Product | undefined>();
  const db: VulnerabilityDb = {
    products: [...byId.values()],
    advisories,
    product: (id) => byId.get(id),
    productForImage(image) {
      const full = `${image.registry}/${image.repository}`;
      // Images repeat (every replica, every review): remember the last few thousand answers.
      if (forImage.has(full)) return forImage.get(full);
      const found = imageRes.find(({ res }) => res.some((re) => re.test(full)))?.p;
      if (forImage.size >= 4096) forImage.clear();
      forImage.set(full, found);
      return found;
    },
    productForPackage(ecosystem, name) {
      const n = name.toLowerCase();
      return db.products.find((p) => p.packages?.some((k) => k.ecosystem === ecosystem && k.name.toLowerCase() === n));
    },
  };
  cache.set(tables, db);
  return db;
}

function settingOf(ctx: MatchContext, req: NonNullable<Advisory['requires']>): string | undefined {
  if (req.env && ctx.env && ctx.env[req.env] !== undefined) return ctx.env[req.env];
  if (req.flag && ctx.argv) {
    for (let i = 0; i < ctx.argv.length; i++) {
      const a = ctx.argv[i]!;
      if (a === req.flag && i + 1 < ctx.argv.length) return ctx.argv[i + 1];
      if (a.startsWith(`${req.flag}=`)) return a.slice(req.flag.length + 1);
    }
  }
  return undefined;
}

// Table patterns (tagPattern, requires.pattern) compiled once: they have no `g` flag, so a
// shared RegExp keeps no state between tests.
const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern)));
  return re;
}

/** An advisory's bounds, parsed once per scheme (undefined: absent; null: not a version). */
const bounds = new WeakMap<Advisory, { scheme: VersionScheme; lo?: Parsed | null; hi?: Parsed | null }>();
function boundsOf(advisory: Advisory, scheme: VersionScheme): { lo?: Parsed | null; hi?: Parsed | null } {
  let b = bounds.get(advisory);
  if (!b || b.scheme !== scheme) {
    b = { scheme };
    if (advisory.introduced !== undefined) b.lo = parseVersion(scheme, advisory.introduced) ?? null;
    if (advisory.fixed !== undefined && advisory.fixed !== null) b.hi = parseVersion(scheme, advisory.fixed) ?? null;
    bounds.set(advisory, b);
  }
  return b;
}

/** Does `advisory` cover `version` (already a version of its product's scheme)? */
export function affects(advisory: Advisory, scheme: VersionScheme, version: string, ctx: MatchContext = {}): boolean {
  const v = parseVersion(scheme, version);
  if (!v) return false;
  return covers(advisory, scheme, v, ctx);
}

function covers(advisory: Advisory, scheme: VersionScheme, v: Parsed, ctx: MatchContext): boolean {
  const { lo, hi } = boundsOf(advisory, scheme);
  if (lo !== undefined && (!lo || compareParsed(v, lo) < 0)) return false;
  if (hi !== undefined && (!hi || compareParsed(v, hi) >= 0)) return false;
  if (advisory.requires) {
    const setting = settingOf(ctx, advisory.requires);
    if (setting === undefined || !compiled(advisory.requires.pattern).test(setting)) return false;
  }
  return true;
}

/** The advisories of each product, in table order (once per advisory list). */
const byProductOf = new WeakMap<readonly Advisory[], Map<string, Advisory[]>>();
function advisoriesOf(db: VulnerabilityDb, product: string): Advisory[] {
  let map = byProductOf.get(db.advisories);
  if (!map) {
    map = new Map();
    for (const a of db.advisories) {
      const list = map.get(a.product);
      if (list) list.push(a);
      else map.set(a.product, [a]);
    }
    byProductOf.set(db.advisories, map);
  }
  return map.get(product) ?? [];
}

/**
 * The known vulnerabilities of `product` (an id of the table) at `version`, or undefined when
 * none applies (or the product or version is unknown). `ctx` carries the settings that some
 * advisories depend on; an advisory with `requires` never matches without them.
 */
export function matchVulnerabilities(db: VulnerabilityDb, product: string, version: string, ctx: MatchContext = {}): VulnerabilityVerdict | undefined {
  const p = db.product(product);
  if (!p) return undefined;
  const v = parseVersion(p.scheme, version);
  if (!v) return undefined;
  const matched = advisoriesOf(db, p.id).filter((a) => covers(a, p.scheme, v, ctx));
  if (!matched.length) return undefined;
  const worst = [...matched].sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity])[0]!;
  let fixed: string | null = null;
  if (matched.every((a) => typeof a.fixed === 'string')) {
    fixed = matched.map((a) => a.fixed as string).reduce((x, y) => ((compareVersions(p.scheme, x, y) ?? 0) >= 0 ? x : y));
  }
  const cves = [...new Set(matched.flatMap((a) => a.cves))];
  return {
    product: p.id,
    name: p.name,
    category: p.category,
    version,
    severity: worst.severity,
    fixed,
    cves,
    cveList: cves.length ? cves.join(', ') : worst.summary,
    summary: worst.summary,
    headline: cves.length ? `${cves.join(', ')}: ${worst.summary}` : worst.summary,
    advisories: matched,
  };
}
