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
