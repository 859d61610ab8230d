import type { Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  /** true when stdout is a terminal (colours, live progress) */
  tty: boolean;
  /** aborted on SIGINT/SIGTERM: long commands must stop and clean up */
  signal: AbortSignal;
}

/** One CLI verb: one file in src/cli/commands, one line (with its summary) in its index table. */
export interface Command {
  name: string;
  usage: string;
  /** resolves to the exit code: 0 ok, 1 expectation failed, 2 invalid input/usage, 3 environment, 130/143 interrupted */
  run(args: string[], io: Io): Promise<number>;
}

export { EXIT, UsageError } from '../errors.js';
