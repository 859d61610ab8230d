import { scenarioJsonSchema } from '../../scenario/schema.js';
import { EXIT, type Command } from '../command.js';

export const schema: Command = {
  name: 'schema',
  usage: `mxlab schema > schema.json

  Then start a scenario with: # yaml-language-server: $schema=./schema.json`,
  async run(_args, io) {
    io.stdout.write(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
    return EXIT.ok;
  },
};
