import type { RuleSpec } from '../rules/index.js';

/**
 * Faults (docs/design.md): network and TLS trouble layered after the device's own rules, for any device
 * (`none` included). Set with `! mxlab fault NAME VALUE` lines in `config:`, `! mxlab knob NAME VALUE`
 * (so `mxlab proxy --knob delay=200` works), the `faults` option, or a timeline `fault:` step.
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
  /** STARTTLS and its 220 pass, the ClientHello is answered with a reset */
  'break-tls'?: boolean;
  /** STARTTLS passes to the server, the client gets a 454 instead of the server's 220 */
  'strip-tls-reply'?: boolean;
}

type Entry<K extends keyof Faults> = {
  /** what the value is, for errors */
  takes: string;
  parse(value: string): Faults[K] | undefined;
  /** the rule it adds, when set */
  rule(value: NonNullable<Faults[K]>): RuleSpec | undefined;
};

const whole = (min: number, max: number, unit: string): Entry<'delay'> => ({
  takes: `a whole number of ${unit} from ${min} to ${max}`,
  parse: (v) => (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : undefined),
  rule: () => undefined,
});
const flag: Pick<Entry<'break-tls'>, 'takes' | 'parse'> = {
  takes: 'on or off (a bare name is on)',
  parse: (v) => (v === '' || v === 'on' || v === 'true' ? true : v === 'off' || v === 'false' ? false : undefined),
};

/** The fault table, in wire order: the TLS faults, reset and blackhole decide first, then the timing. */
const FAULTS: { [K in keyof Required<Faults>]: Entry<K> } = {
  'break-tls': { ...flag, rule: (on) => (on ? { name: 'break-tls', options: undefined } : undefined) },
  'strip-tls-reply': { ...flag, rule: (on) => (on ? { name: 'strip-tls-reply', options: undefined } : undefined) },
  'reset-after': { ...whole(0, Number.MAX_SAFE_INTEGER, 'bytes'), rule: (n) => ({ name: 'reset-after', options: { bytes: n } }) },
  blackhole: { ...whole(0, Number.MAX_SAFE_INTEGER, 'bytes'), rule: (n) => ({ name: 'blackhole', options: { after: n } }) },
  bandwidth: { ...whole(1, 10_000_000, 'KiB/s'), rule: (n) => ({ name: 'bandwidth', options: { kibPerSecond: n } }) },
  delay: { ...whole(0, 600_000, 'ms'), rule: (n) => ({ name: 'delay', options: { ms: n } }) },
};

export const FAULT_NAMES = Object.keys(FAULTS) as (keyof Faults)[];

export function isFault(name: string): name is keyof Faults {
  return Object.hasOwn(FAULTS, name);
}

/** Sets one fault from text (`''` for a bare flag name); returns an error message or undefined. */
export function setFault(f: Faults, name: string, value: string): string | undefined {
  if (!isFault(name)) return `unknown fault "${name}" (faults: ${FAULT_NAMES.join(', ')})`;
  const entry = FAULTS[name] as Entry<typeof name>;
  const parsed = entry.parse(value.trim().toLowerCase());
  if (parsed === undefined) return `fault ${name} takes ${entry.takes}, got "${value}"`;
  (f as Record<string, unknown>)[name] = parsed;
  return undefined;
}

/** The fault rules, in wire order. */
export function faultRules(f: Faults): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (const name of FAULT_NAMES) {
    const v = f[name];
    if (v === undefined) continue;
    const spec = (FAULTS[name] as Entry<typeof name>).rule(v as never);
    if (spec) out.push(spec);
  }
  return out;
}

/** A timeline `fault:` value, `NAME [VALUE]` (`break-tls`, `delay 200`), added to `f`; returns an error message or undefined. */
export function addFaultText(f: Faults, text: string): string | undefined {
  const [name = '', value = '', ...rest] = text.trim().split(/\s+/);
  if (rest.length) return `a fault is "NAME [VALUE]", got "${text}"`;
  return setFault(f, name, value);
}
