/** Small statistics and the interleaved runner shared by the benches. */

/** Linear-interpolated quantile of a numeric sample (q in [0, 1]). */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);
export const p90 = (values) => quantile(values, 0.9);

/**
 * Runs `variants` round-robin (A, B, C, …, A, B, C, …): `warmup` rounds discarded, then `rounds` measured.
 * Each variant is `{ key, run }` where `run()` resolves to a measurement (a number). Returns key → samples.
 * Interleaving spreads machine noise (other processes, CPU frequency, GC) evenly over the variants.
 */
export async function interleave(variants, { warmup, rounds, onRound }) {
  const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (let i = 0; i < warmup + rounds; i++) {
    // rotate the starting variant so none is always first after a pause
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(i + j) % variants.length];
      const x = await v.run();
      if (i >= warmup) samples[v.key].push(x);
    }
    onRound?.(i - warmup + 1, rounds);
  }
  return samples;
}

export const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** A fixed-width text table: rows of cells, first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ')).join('\n');
}
