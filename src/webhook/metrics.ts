// The webhook's /metrics, in the Prometheus text exposition format (0.0.4): counters by label
// set, one latency histogram, gauges read when scraped. Label values come from bounded sets
// (operations, kinds aigis admits, rule ids, decisions), so series cannot grow without limit.

type Labels = Record<string, string>;

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
  read?: () => Array<{ labels: Labels; value: number }>;
}

/** Seconds: from well under a millisecond (one object, no context) up to the API server's 10 s cap. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.length ? `{${keys.map((k) => `${k}="${escapeValue(labels[k]!)}"`).join(',')}}` : '';
}

function number(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(9)));
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly histogram = { counts: new Array<number>(LATENCY_BUCKETS.length).fill(0), sum: 0, count: 0 };

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

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      const full = `${this.prefix}_${name}`;
      lines.push(`# HELP ${full} ${f.help}`, `# TYPE ${full} ${f.type}`);
      const samples = f.read ? f.read() : [...f.values.values()];
      for (const s of samples) lines.push(`${full}${labelText(s.labels)} ${number(s.value)}`);
    }
    const h = `${this.prefix}_review_duration_seconds`;
    lines.push(`# HELP ${h} Time from receiving an admission review to sending the answer.`, `# TYPE ${h} histogram`);
    LATENCY_BUCKETS.forEach((le, i) => lines.push(`${h}_bucket{le="${le}"} ${this.histogram.counts[i]}`));
    lines.push(`${h}_bucket{le="+Inf"} ${this.histogram.count}`, `${h}_sum ${number(this.histogram.sum)}`, `${h}_count ${this.histogram.count}`);
    return lines.join('\n') + '\n';
  }
}
