import { parseArgs } from 'node:util';
import { EXIT, type Command } from '../command.js';
import { configSummaries } from '../config-summary.js';
import { loadCommandScenarios, printWarnings } from '../load-all.js';
import { checkShard, parseShard } from '../shard.js';
import { planCells } from '../../run/plan.js';

export const validate: Command = {
  name: 'validate',
  usage: `mxlab validate [paths…] [--matrix KEY=V1,V2] [--shard I/N]

  Reports every problem of every file as file:line:col path: expected …, got … — hint.
  Warnings (an unused policy map in a pasted config, an unknown command outside the SMTP modes, an
  ESMTP map that offers a receiver's CHUNKING or STARTTLS while the inspection masks BDAT or
  STARTTLS) are printed the same way with "warning:" and do not make the file invalid. For each
  firewall config, how many lines were applied and how many ignored, by kind.
  --matrix and --shard are checked as mxlab run would apply them (a shard that selects no run is an error).
  exit codes: 0 valid, 2 invalid`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { matrix: { type: 'string', multiple: true }, shard: { type: 'string' } },
    });
    const shard = parseShard(values.shard);
    const scenarios = await loadCommandScenarios(positionals, values.matrix ?? [], io.stderr);
    if (!scenarios) return EXIT.invalid;
    const runs = scenarios.map((l) => planCells(l).length);
    checkShard(shard, runs.reduce((a, b) => a + b, 0));
    scenarios.forEach((l, i) => {
      const cells = runs[i];
      io.stdout.write(`ok ${l.file} — ${l.scenario.name} (${Object.keys(l.scenario.nodes).length} nodes, ${l.scenario.messages.length} messages, ${l.scenario.expect.length} expectations, ${cells} run${cells === 1 ? '' : 's'})\n`);
      for (const line of configSummaries(l)) io.stdout.write(`${line}\n`);
    });
    printWarnings(scenarios, io.stderr);
    return EXIT.ok;
  },
};
