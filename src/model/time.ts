/** Scenario time as people read it: `0s`, `250ms`, `4m59.5s`, `1h30m`, `2d3h`. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${Math.round(rest)}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  const s = Math.round(rest / 100) / 10;
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return sign + parts.join('');
}

/** A duration in ms written back the way a scenario writes it, exactly (`5m`, `1h30m`, `1s250ms`; 0 stays 0): the scenario's duration parser reads it as the same ms. */
export function formatDuration(ms: number): string | 0 {
  let rest = Math.round(ms);
  if (rest <= 0) return 0;
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
