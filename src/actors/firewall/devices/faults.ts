import type { RuleSpec } from '../rules/index.js';

/**
 * L4 faults (design.md): network trouble layered after the device's own rules, for any device
 * (`none` included). Set with `! mxlab fault NAME VALUE` lines in `config:`, `! mxlab knob NAME VALUE`
 * (so `mxlab proxy --knob delay=200` works), or the `faults` option.
 */
export interface Faults {
  /** hold every forwarded segment this many ms (both directions) */
  delay?: number;
  /** throughput cap per direction, in KiB/s */
  bandwidth?: number;
  /** reset the connection once more than this many bytes passed (both directions together) */
  'reset-after'?: number;
  /** after this many bytes (0: from the start) swallow everything, both ways, without closing */
  blackhole?: number;
}

const LIMITS: { [K in keyof Required<Faults>]: { min: number; max: number; unit: string } } = {
  delay: { min: 0, max: 600_000, unit: 'ms' },
  bandwidth: { min: 1, max: 10_000_000, unit: 'KiB/s' },
  'reset-after': { min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'bytes' },
  blackhole: { min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'bytes' },
};

export const FAULT_NAMES = Object.keys(LIMITS) as (keyof Faults)[];

export function isFault(name: string): name is keyof Faults {
  return name in LIMITS;
}

/** Sets one fault from text; returns an error message or undefined. */
export function setFault(f: Faults, name: string, value: string): string | undefined {
  if (!isFault(name)) return `unknown fault "${name}" (faults: ${FAULT_NAMES.join(', ')})`;
  const l = LIMITS[name];
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < l.min || n > l.max) return `fault ${name} takes a whole number of ${l.unit} from ${l.min} to ${l.max}, got "${value}"`;
  f[name] = n;
  return undefined;
}

/** The fault rules, in wire order: reset and blackhole decide first, then the timing. */
export function faultRules(f: Faults): RuleSpec[] {
  const out: RuleSpec[] = [];
  if (f['reset-after'] !== undefined) out.push({ name: 'reset-after', options: { bytes: f['reset-after'] } });
  if (f.blackhole !== undefined) out.push({ name: 'blackhole', options: { after: f.blackhole } });
  if (f.bandwidth !== undefined) out.push({ name: 'bandwidth', options: { kibPerSecond: f.bandwidth } });
  if (f.delay !== undefined) out.push({ name: 'delay', options: { ms: f.delay } });
  return out;
}
