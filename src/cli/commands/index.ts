import type { Command } from '../command.js';
import { run } from './run.js';
import { schema } from './schema.js';
import { validate } from './validate.js';

/** The CLI verbs; the key is what the user types. */
export const commands: Record<string, Command> = { run, validate, schema };
