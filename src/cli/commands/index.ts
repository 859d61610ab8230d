import type { Command } from '../command.js';
import { deliverCommand } from './deliver.js';
import { devices } from './devices.js';
import { imagesCommand } from './images.js';
import { proxy } from './proxy.js';
import { receiver } from './receiver.js';
import { run } from './run.js';
import { schema } from './schema.js';
import { validate } from './validate.js';

/** The CLI verbs; the key is what the user types. */
export const commands: Record<string, Command> = {
  run,
  validate,
  devices,
  proxy,
  receiver,
  images: imagesCommand,
  schema,
  deliver: deliverCommand,
};
