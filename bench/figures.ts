// The few statistics and printers every benchmark shares: percentiles and
// medians of readings, ms/KB/ratio formatting, the machine line (CPUs and
// load average: on a shared machine the numbers mean little without it) and
// a plain-text table. No `vscode`: launchers and in-host code both use it.
import * as os from 'node:os';

/** The p-th percentile of readings already sorted ascending (nearest rank). */
export function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary(samples: readonly number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99) };
}

/** Median of the readings; undefined when there are none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function max(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.max(...values);
}

export const ms = (v: number | undefined, digits = 3): string => (v === undefined ? 'missing' : `${v.toFixed(digits)} ms`);
export const kb = (bytes: number | undefined): string => (bytes === undefined ? 'missing' : `${(bytes / 1024).toFixed(1)} KB`);
export const mb = (bytes: number | undefined): string => (bytes === undefined ? 'missing' : `${(bytes / 1024 / 1024).toFixed(2)} MB`);
export const perSecond = (v: number | undefined): string => (v === undefined ? 'missing' : `${Math.round(v).toLocaleString('en')} /s`);

/** `a / b` to three places, or '–' when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '–' : (a / b).toFixed(3);
}

/** "node v20…, 2 CPUs, load 7.48 7.51 6.99": printed at the top and the bottom of every run. */
export function machineLine(): string {
  return `node ${process.version}, ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** Prints rows under a header, columns padded to their widest cell. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]): string => indent + row.map((cell, c) => (cell ?? '').padEnd(widths[c])).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

/** Runs `order` rotated by `round`, so no contestant is always first (or last) in a round. */
export function rotated<T>(order: readonly T[], round: number): T[] {
  const k = round % order.length;
  return [...order.slice(k), ...order.slice(0, k)];
}
