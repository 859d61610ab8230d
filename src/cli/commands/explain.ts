import { parseArgs } from 'node:util';
import { resolveOnce } from '../../run/device-check.js';
import { planCells } from '../../run/plan.js';
import { didYouMean } from '../../scenario/diagnostics.js';
import { configSource } from '../../scenario/firewall-config.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { explainFirewall } from '../firewall-explain.js';
import { loadCommandScenarios, printWarnings } from '../load-all.js';

export const explain: Command = {
  name: 'explain',
  usage: `mxlab explain SCENARIO… [--node NAME] [--matrix KEY=V1,V2]

  For each firewall node (or only --node NAME): the resolved release and its train, the config
  lines that took effect (with their line numbers), what is in force in the device's own words
  (the ESMTP map as show running-config prints it, or the fixup line), the ordered rule list with
  its parameters, and the knobs in force. A matrix that changes a firewall's device or config is
  explained once per distinct device and config, with the runs that use it.
  exit codes: 0 explained, 2 invalid scenario or usage`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { node: { type: 'string' }, matrix: { type: 'string', multiple: true } } });
    if (!positionals.length) throw new UsageError('name a scenario file: mxlab explain scenarios/seed-esa-behind-pix.yaml');
    const scenarios = await loadCommandScenarios(positionals, values.matrix ?? [], io.stderr);
    if (!scenarios) return EXIT.invalid;
    const firewalls = scenarios.flatMap((l) => Object.entries(l.scenario.nodes).filter(([, n]) => n.role === 'firewall').map(([name]) => name));
    if (values.node !== undefined && !firewalls.includes(values.node)) {
      const near = didYouMean(values.node, firewalls);
      throw new UsageError(`no firewall node "${values.node}" in ${positionals.join(', ')}${firewalls.length ? ` (firewalls: ${[...new Set(firewalls)].join(', ')})` : ''}${near ? ` — ${near}` : ''}`);
    }
    printWarnings(scenarios, io.stderr);
    const out: string[] = [];
    for (const l of scenarios) {
      const cells = planCells(l);
      const names = Object.keys(l.scenario.nodes).filter((n) => l.scenario.nodes[n].role === 'firewall' && (values.node === undefined || n === values.node));
      if (!names.length) {
        out.push(`${l.file} — ${l.scenario.name}: no firewall node`, '');
        continue;
      }
      out.push(`${l.file} — ${l.scenario.name}`, '');
      for (const name of names) {
        // one explanation per distinct device + config across the runs
        const groups = new Map<string, { src: { device?: string; config?: string }; labels: string[] }>();
        for (const c of cells) {
          const src = c.firewallSources[name] ?? {};
          const key = JSON.stringify(src);
          const g = groups.get(key) ?? { src, labels: [] };
          if (c.label) g.labels.push(c.label);
          groups.set(key, g);
        }
        const node = l.scenario.nodes[name];
        const from = node.role === 'firewall' ? configSource(node) : undefined;
        for (const { src, labels } of groups.values()) {
          const r = resolveOnce(src.device, src.config);
          if (!r.ok) continue; // the loader reported it
          const configFrom = from && 'file' in from && src.config === l.configFiles.get(from.file)?.text ? l.configFiles.get(from.file)!.path : src.config !== undefined ? 'config:' : undefined;
          const title = groups.size > 1 ? `${name} [${labels.join('; ')}]` : name;
          out.push(...explainFirewall({ title, ...src, ...(configFrom ? { configFrom } : {}) }, r), '');
        }
      }
    }
    io.stdout.write(out.join('\n'));
    return EXIT.ok;
  },
};
