import { EXIT, type Command } from '../command.js';
import { loadAll, printDiagnostics } from '../load-all.js';
import { scenarioFiles } from '../scenario-files.js';
import { planCells } from '../../run/plan.js';

export const validate: Command = {
  name: 'validate',
  usage: `mxlab validate [paths…]

  Reports every problem of every file as file:line:col path: expected …, got … — hint.
  exit codes: 0 valid, 2 invalid`,
  async run(args, io) {
    const loaded = await loadAll(await scenarioFiles(args.filter((a) => !a.startsWith('-'))));
    if (!loaded.ok) {
      printDiagnostics(loaded.diagnostics, io.stderr);
      return EXIT.invalid;
    }
    for (const l of loaded.scenarios) {
      const cells = planCells(l).length;
      io.stdout.write(`ok ${l.file} — ${l.scenario.name} (${Object.keys(l.scenario.nodes).length} nodes, ${l.scenario.messages.length} messages, ${l.scenario.expect.length} expectations, ${cells} run${cells === 1 ? '' : 's'})\n`);
    }
    return EXIT.ok;
  },
};
