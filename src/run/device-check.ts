import { offerFacts, FAMILIES, FirewallConfigError, resolveDevice, type DeviceProfile, type FamilyName, type ResolveResult } from '../actors/firewall/index.js';
import { receiverOffers } from './receiver-offers.js';
import type { DeviceChecker } from '../scenario/references.js';

/** Resolved devices by (device, config): validation and planning resolve each pair once. */
const memo = new Map<string, ResolveResult>();
const MEMO_MAX = 256;

/** resolveDevice, remembered (it is a pure function of its arguments). */
export function resolveOnce(device: string | undefined, config: string | undefined): ResolveResult {
  const key = JSON.stringify([device, config ?? null]);
  let r = memo.get(key);
  if (!r) {
    r = resolveDevice(device, config);
    if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
    memo.set(key, r);
  }
  return r;
}

/** The profile of a firewall node of a cell; a device or config the loader did not check throws FirewallConfigError (exit 2). */
export function firewallProfile(node: string, device: string | undefined, config: string | undefined): DeviceProfile {
  const r = resolveOnce(device, config);
  if (!r.ok) throw new FirewallConfigError(node, r.errors);
  return r.profile;
}

/** Adapts the firewall's device resolver to the scenario loader's checker (keeps `scenario` free of internal imports). */
export const checkDevice: DeviceChecker = Object.assign(
  (device: string | undefined, config?: string) => {
    const r = resolveOnce(device, config);
    const on = (e: { line: number }) => (e.line === 0 ? ('device' as const) : ('config' as const));
    const warnings = r.warnings.map((e) => ({ ...e, on: on(e), warning: true }));
    if (r.ok) return warnings;
    return [...r.errors.map((e) => ({ ...e, on: on(e) })), ...warnings];
  },
  {
    offers: (device: string | undefined, config: string | undefined, keyword: string, verb: string) => {
      const r = resolveOnce(device, config);
      if (!r.ok) return undefined;
      return offerFacts(r.profile.rules, FAMILIES[r.profile.family as FamilyName].cisco ? r.config : undefined, keyword, verb);
    },
    receiverOffers,
  },
);
