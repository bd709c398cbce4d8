// The webhook's /metrics, in the Prometheus text exposition format (0.0.4): counters by label
// set, one latency histogram, gauges read when scraped. Label values come from bounded sets
// (operations, kinds aigis admits, rule ids, decisions), so series cannot grow without limit.

type Labels = Record<string, string>;

/** Counters and histogram of one process, to add up across --workers (gauges stay local). */
export interface MetricsSnapshot {
  counters: Record<string, Array<{ labels: Labels; value: number }>>;
  histogram: { counts: number[]; sum: number; count: number };
}

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
  read?: () => Array<{ labels: Labels; value: number }>;
}

/** Seconds: from well under a millisecond (one object, no context) up to the API server's 10 s cap. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function escapeValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

// Label sets the webhook passes again and again (it keeps one object per combination) are
// rendered once.
const rendered = new WeakMap<Labels, string>();

function labelText(labels: Labels): string {
  const known = rendered.get(labels);
  if (known !== undefined) return known;
  const keys = Object.keys(labels).sort();
  const text = keys.length ? `{${keys.map((k) => `${k}="${escapeValue(labels[k]!)}"`).join(',')}}` : '';
  rendered.set(labels, text);
  return text;
}

function number(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(9)));
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly histogram = { counts: new Array<number>(LATENCY_BUCKETS.length).fill(0), sum: 0, count: 0 };
  /** The other workers' counts (from the primary), added when rendering. */
  private others?: MetricsSnapshot;

  constructor(private readonly prefix = 'aigis_webhook') {}

  counter(name: string, help: string): void {
    this.families.set(name, { help, type: 'counter', values: new Map() });
  }

  /** A gauge whose samples are read at scrape time. */
  gauge(name: string, help: string, read: () => Array<{ labels: Labels; value: number }>): void {
    this.families.set(name, { help, type: 'gauge', values: new Map(), read });
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const f = this.families.get(name);
    if (!f) throw new Error(`unknown metric ${name}`);
    const key = labelText(labels);
    const cur = f.values.get(key);
    if (cur) cur.value += by;
    else f.values.set(key, { labels, value: by });
  }

  get(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.values.get(labelText(labels))?.value ?? 0;
  }

  observe(seconds: number): void {
    const h = this.histogram;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  snapshot(): MetricsSnapshot {
    const counters: MetricsSnapshot['counters'] = {};
    for (const [name, f] of this.families) if (!f.read) counters[name] = [...f.values.values()].map((v) => ({ labels: v.labels, value: v.value }));
    return { counters, histogram: { counts: [...this.histogram.counts], sum: this.histogram.sum, count: this.histogram.count } };
  }

  /** What the other workers counted, as the primary last added it up. */
  setOthers(snapshot: MetricsSnapshot): void {
    this.others = snapshot;
  }

  render(): string {
    const total = this.others ? addSnapshots([this.snapshot(), this.others]) : undefined;
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      const full = `${this.prefix}_${name}`;
      lines.push(`# HELP ${full} ${f.help}`, `# TYPE ${full} ${f.type}`);
      const samples = f.read ? f.read() : (total?.counters[name] ?? [...f.values.values()]);
      for (const s of samples) lines.push(`${full}${labelText(s.labels)} ${number(s.value)}`);
    }
    const hist = total?.histogram ?? this.histogram;
    const h = `${this.prefix}_review_duration_seconds`;
    lines.push(`# HELP ${h} Time from receiving an admission review to sending the answer.`, `# TYPE ${h} histogram`);
    LATENCY_BUCKETS.forEach((le, i) => lines.push(`${h}_bucket{le="${le}"} ${hist.counts[i]}`));
    lines.push(`${h}_bucket{le="+Inf"} ${hist.count}`, `${h}_sum ${number(hist.sum)}`, `${h}_count ${hist.count}`);
    return lines.join('\n') + '\n';
  }
}

/** The sum of several processes' counters and histograms. */
export function addSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const counters: MetricsSnapshot['counters'] = {};
  const byKey = new Map<string, { labels: Labels; value: number }>();
  const histogram = { counts: new Array<number>(LATENCY_BUCKETS.length).fill(0), sum: 0, count: 0 };
  for (const s of snapshots) {
    for (const [name, samples] of Object.entries(s.counters)) {
      const list = (counters[name] ??= []);
      for (const sample of samples) {
        const key = `${name}${labelText(sample.labels)}`;
        const cur = byKey.get(key);
        if (cur) cur.value += sample.value;
        else {
          const added = { labels: sample.labels, value: sample.value };
          byKey.set(key, added);
          list.push(added);
        }
      }
    }
    s.histogram.counts.forEach((c, i) => (histogram.counts[i]! += c));
    histogram.sum += s.histogram.sum;
    histogram.count += s.histogram.count;
  }
  return { counters, histogram };
}
