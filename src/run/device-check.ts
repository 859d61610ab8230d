import { resolveDevice } from '../actors/firewall/index.js';
import type { DeviceChecker } from '../scenario/references.js';

/** Adapts the firewall's device resolver to the scenario loader's checker (keeps `scenario` free of internal imports). */
export const checkDevice: DeviceChecker = (device, config) => {
  const r = resolveDevice(device, config);
  if (r.ok) return [];
  return r.errors.map((e) => ({ ...e, on: e.line === 0 ? ('device' as const) : ('config' as const) }));
};
