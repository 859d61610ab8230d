import type { NodeVersion } from '../model/result.js';
import type { CellPlan } from '../model/plan.js';
import { VERSION } from '../version.js';

/** What mxlab's own node programs are: the same code in both runtimes, so the mxlab version is theirs. */
export function describeNodes(plan: CellPlan): Record<string, NodeVersion> {
  const out: Record<string, NodeVersion> = {};
  for (const [name, n] of Object.entries(plan.scenario.nodes)) {
    const version = `mxlab ${VERSION}`;
    if (n.role === 'firewall') out[name] = { role: 'firewall', software: n.device === 'none' ? 'relay (device none)' : `${n.device} (emulated)`, version };
    else if (n.role === 'receiver') out[name] = { role: 'receiver', software: n.mta === 'builtin' ? `${n.persona} persona` : n.mta, version: n.mta === 'builtin' ? version : 'unknown' };
    else out[name] = { role: 'sender', software: n.mta === 'builtin' ? 'mxlab builtin sender' : n.mta, version: n.mta === 'builtin' ? version : 'unknown' };
  }
  return out;
}
