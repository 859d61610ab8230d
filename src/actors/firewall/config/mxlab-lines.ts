import { FAULT_NAMES, isFault, setFault, type Faults } from '../devices/faults.js';
import { KNOB_NAMES, setKnob, type Knobs } from '../devices/knobs.js';
import type { ConfigError } from './model.js';

/**
 * `! mxlab knob NAME VALUE` and `! mxlab fault NAME [VALUE]` (a bare TLS fault name is on) — comments to the real device, settings
 * to the emulator. A fault named on a knob line is a fault too (so `--knob delay=200` works).
 * Returns the error, if any; any other comment is ignored.
 */
export function mxlabLine(raw: string, line: number, into: { knobs: Partial<Knobs>; faults: Faults }): ConfigError | undefined {
  const m = /^\s*!\s*mxlab\s+(knob|fault)\s+(\S+)(?:\s+(\S+))?\s*$/i.exec(raw);
  if (!m) return undefined;
  const [, kind, name, value = ''] = m;
  const col = raw.indexOf(name, raw.toLowerCase().indexOf(kind.toLowerCase()) + kind.length) + 1;
  if (kind.toLowerCase() === 'fault' || isFault(name)) {
    const err = setFault(into.faults, name, value);
    return err ? { line, col, message: `mxlab: ${err}` } : undefined;
  }
  const err = setKnob(into.knobs, name, value.toLowerCase());
  return err ? { line, col, message: `mxlab: ${err}`, hint: `knobs: ${KNOB_NAMES.join(', ')}; faults: ${FAULT_NAMES.join(', ')}` } : undefined;
}

/**
 * The config without its fault lines (`! mxlab fault NAME …`, and `! mxlab knob NAME …` naming a fault):
 * what a timeline `fault: none` leaves, so it clears the faults the config set as well as the timeline's.
 */
export function withoutFaultLines(config: string): string {
  return config
    .split(/\r?\n/)
    .filter((raw) => {
      const m = /^\s*!\s*mxlab\s+(knob|fault)\s+(\S+)/i.exec(raw);
      return !m || (m[1].toLowerCase() === 'knob' && !isFault(m[2]));
    })
    .join('\n');
}
