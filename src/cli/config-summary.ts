import { resolveOnce } from '../run/device-check.js';
import { configSource, configText } from '../scenario/firewall-config.js';
import type { LoadedScenario } from '../scenario/load.js';

/**
 * One line per firewall node with a configuration: the device it resolved to and what became of the
 * config's lines — applied, ignored by kind, comments (`mxlab validate`, `mxlab explain`).
 */
export function configSummaries(l: LoadedScenario): string[] {
  const out: string[] = [];
  for (const [name, node] of Object.entries(l.scenario.nodes)) {
    if (node.role !== 'firewall') continue;
    const src = configSource(node);
    const text = configText(src, l.configFiles);
    if (text === undefined) continue;
    const r = resolveOnce(node.device, text);
    if (!r.ok || !r.report) continue;
    const rep = r.report;
    const ignored = Object.values(rep.ignored).reduce((a, b) => a + b, 0);
    const kinds = Object.entries(rep.ignored).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    const from = src && 'file' in src ? l.configFiles.get(src.file)!.path : 'config';
    const device = node.device === undefined ? `${r.profile.device} (from its version line)` : r.profile.device;
    out.push(
      `  ${name}: ${device}, ${from}: ${rep.lines} lines — ${rep.applied.length} applied, ${ignored} ignored${kinds ? ` (${kinds})` : ''}, ${rep.comments} comments` +
        (r.warnings.length ? `; ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}` : ''),
    );
  }
  return out;
}
