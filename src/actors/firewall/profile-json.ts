import type { DeviceProfile } from '../../model/device-profile.js';
import { isRuleName } from './rules/index.js';

/**
 * A device profile read back from JSON (`mxlab proxy --profile FILE`, written by the docker runtime
 * from the cell's plan). Checks the shape and that every rule exists; the rules check their own
 * options when they are made. Returns the profile or what is wrong with it.
 */
export function profileFromJson(text: string): { ok: true; profile: DeviceProfile } | { ok: false; error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON (${(err as Error).message})` };
  }
  const p = v as Partial<DeviceProfile> | null;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return { ok: false, error: 'expected a JSON object (a device profile)' };
  for (const k of ['device', 'family', 'syslogPrefix'] as const) if (typeof p[k] !== 'string') return { ok: false, error: `"${k}" must be a string` };
  if (typeof p.inspecting !== 'boolean') return { ok: false, error: '"inspecting" must be true or false' };
  if (!Array.isArray(p.rules)) return { ok: false, error: '"rules" must be a list' };
  for (const [i, r] of p.rules.entries()) {
    if (!r || typeof r !== 'object' || typeof r.name !== 'string') return { ok: false, error: `rules[${i}] must be { "name": …, "options": … }` };
    if (!isRuleName(r.name)) return { ok: false, error: `rules[${i}]: no rule named "${r.name}"` };
  }
  if (p.idleTimeoutMs !== undefined && !(Number.isInteger(p.idleTimeoutMs) && p.idleTimeoutMs >= 0)) return { ok: false, error: '"idleTimeoutMs" must be a whole number of ms' };
  if (p.mss !== undefined && !(Number.isInteger(p.mss) && p.mss >= 48 && p.mss <= 65535)) return { ok: false, error: '"mss" must be a whole number from 48 to 65535' };
  return { ok: true, profile: { knobs: {}, summary: [], ...p } as DeviceProfile };
}
