/** Small helpers for `npm run bench`: timing, percentiles, and the printed report. */

export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** Against the baseline measured in the same run, when there is one. */
  baseline?: { name: string; value: number };
  target?: string;
  note?: string;
}

export const figures: Figure[] = [];

export function record(figure: Figure): void {
  figures.push(figure);
  const ratio = figure.baseline
    ? `  (${ratioText(figure.value / figure.baseline.value)}× ${figure.baseline.name}: ${format(figure.baseline.value)} ${figure.unit})`
    : '';
  const target = figure.target ? `  [target ${figure.target}]` : '';
  process.stdout.write(
    `  ${figure.name.padEnd(46)} ${format(figure.value).padStart(12)} ${figure.unit}${ratio}${target}${figure.note ? `  ${figure.note}` : ''}\n`,
  );
}

/** Two decimals; two significant digits below 0.1 (so that 0.0058× does not print as 0.00×). */
function ratioText(ratio: number): string {
  return ratio > 0 && ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2);
}

export function section(title: string): void {
  process.stdout.write(`\n${title}\n`);
}

export function format(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** Runs fn repeatedly for about `ms` milliseconds (after a warm-up); returns operations per second. */
export function rate(fn: (i: number) => unknown, ms = 1000): number {
  for (let i = 0; i < 1000; i++) fn(i);
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let j = 0; j < 1000; j++) fn(n++);
    now = performance.now();
  }
  return (n / (now - start)) * 1000;
}

export async function asyncRate(fn: (i: number) => Promise<unknown>, ms = 1000, concurrency = 1): Promise<number> {
  for (let i = 0; i < 100; i++) await fn(i);
  let n = 0;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() - start < ms) await fn(n++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (n / (performance.now() - start)) * 1000;
}

/** Latencies in milliseconds of `count` sequential calls. */
export async function latencies(fn: (i: number) => Promise<unknown>, count: number): Promise<number[]> {
  for (let i = 0; i < Math.min(200, count); i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function mb(bytes: number): number {
  return bytes / 1024 / 1024;
}
