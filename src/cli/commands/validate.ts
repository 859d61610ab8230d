import { parseArgs } from 'node:util';
import { EXIT, type Command } from '../command.js';
import { configSummaries } from '../config-summary.js';
import { loadAll, printDiagnostics, printWarnings } from '../load-all.js';
import { scenarioFiles } from '../scenario-files.js';
import { applyMatrixOverrides } from '../matrix-override.js';
import { checkShard, parseShard } from '../shard.js';
import { planCells } from '../../run/plan.js';

export const validate: Command = {
  name: 'validate',
  usage: `mxlab validate [paths…] [--matrix KEY=V1,V2] [--shard I/N]

  Reports every problem of every file as file:line:col path: expected …, got … — hint.
  Warnings (an unused policy map in a pasted config, an unknown command outside the SMTP modes) are
  printed the same way with "warning:" and do not make the file invalid. For each firewall config,
  how many lines were applied and how many ignored, by kind.
  --matrix and --shard are checked as mxlab run would apply them (a shard that selects no run is an error).
  exit codes: 0 valid, 2 invalid`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { matrix: { type: 'string', multiple: true }, shard: { type: 'string' } },
    });
    const shard = parseShard(values.shard);
    const loaded = await loadAll(await scenarioFiles(positionals));
    if (!loaded.ok) {
      printDiagnostics(loaded.diagnostics, io.stderr);
      return EXIT.invalid;
    }
    const overridden = await applyMatrixOverrides(loaded.scenarios, values.matrix ?? []);
    if (!overridden.ok) {
      printDiagnostics(overridden.diagnostics, io.stderr);
      return EXIT.invalid;
    }
    const runs = loaded.scenarios.map((l) => planCells(l).length);
    checkShard(shard, runs.reduce((a, b) => a + b, 0));
    loaded.scenarios.forEach((l, i) => {
      const cells = runs[i];
      io.stdout.write(`ok ${l.file} — ${l.scenario.name} (${Object.keys(l.scenario.nodes).length} nodes, ${l.scenario.messages.length} messages, ${l.scenario.expect.length} expectations, ${cells} run${cells === 1 ? '' : 's'})\n`);
      for (const line of configSummaries(l)) io.stdout.write(`${line}\n`);
    });
    printWarnings(loaded.scenarios, io.stderr);
    return EXIT.ok;
  },
};
