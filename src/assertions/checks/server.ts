import { lineChecks, type Check } from '../types.js';

/** `server: { commands: { includes, excludes } }` over the commands as the receiver got them. */
export const server: Check<'server'> = (spec, s) => lineChecks('server.commands', spec.commands, s.serverView.commands);
