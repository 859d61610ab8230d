/**
 * mxlab's errors: one base class, one table from every code to its exit status and a
 * one-line description. Every error class in the tree extends `MxlabError`; the CLI maps
 * `code` → exit status through `ERRORS` and prints "internal error" only for what is not an
 * `MxlabError` (a bug of ours). Messages follow one form: "Failed to X: reason. Did you … ?".
 *
 * Exit statuses mean one thing each: 0 every expectation held, 1 an expectation failed,
 * 2 invalid input or usage (anything the user wrote: scenario, config, flags, paths, sizes),
 * 3 environment (Docker missing, port in use, disk), 130/143 interrupted (SIGINT/SIGTERM).
 */

export const EXIT = { ok: 0, failed: 1, invalid: 2, environment: 3, sigint: 130, sigterm: 143 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

interface ErrorInfo {
  exit: ExitCode;
  description: string;
}

/** Every error code mxlab uses: its exit status and what it means. Listed in the README. */
export const ERRORS = {
  // input and usage: exit 2
  E_USAGE: { exit: EXIT.invalid, description: 'a command, flag or argument is wrong' },
  E_INPUT_FILE: { exit: EXIT.invalid, description: 'an input file is missing, not a regular file, or too large' },
  E_SCENARIO_INVALID: { exit: EXIT.invalid, description: 'a scenario file does not validate (every problem listed as file:line:col)' },
  E_FIREWALL_CONFIG: { exit: EXIT.invalid, description: 'a device string or device configuration is rejected' },
  E_RECEIVER_PERSONA: { exit: EXIT.invalid, description: 'an unknown receiver persona' },
  E_RUNTIME_UNSUPPORTED: { exit: EXIT.invalid, description: 'a node needs a runtime the run does not use (e.g. mta: postfix on the local runtime)' },
  E_TOPOLOGY: { exit: EXIT.invalid, description: 'the nodes cannot be wired as written (a loop, a missing receiver)' },
  E_IMAGE_MISSING: { exit: EXIT.invalid, description: 'an image a node names (image:) is not on the Docker engine' },
  E_MESSAGE_TOO_LARGE: { exit: EXIT.invalid, description: 'a message is larger than the node it goes through can be fed' },
  E_OUTPUT_PATH: { exit: EXIT.invalid, description: 'an output folder cannot be made where it was asked for (a file in the way, a path under /proc, a dangling link)' },
  E_BUNDLE: { exit: EXIT.invalid, description: 'a file given as a bundle is not an mxlab bundle, or a bundle is given where a scenario is expected' },
  // environment: exit 3
  E_LISTEN: { exit: EXIT.environment, description: 'a port to listen on is in use or not permitted' },
  E_DOCKER_UNAVAILABLE: { exit: EXIT.environment, description: 'no Docker engine answers' },
  E_DOCKER_RUNTIME: { exit: EXIT.environment, description: 'the docker runtime could not be loaded' },
  E_BASE_IMAGE_MISSING: { exit: EXIT.environment, description: 'the base image is missing and no registry can provide it' },
  E_BOOTSTRAP: { exit: EXIT.environment, description: 'making the base image offline (debootstrap, docker import) failed' },
  E_IMAGE_BUILD: { exit: EXIT.environment, description: 'an image build failed' },
  E_NODE_BINARY: { exit: EXIT.environment, description: 'the Node binary for the node image could not be fetched' },
  E_NOT_BUILT: { exit: EXIT.environment, description: 'dist/ is missing: run npm run build' },
  E_CONTAINER_START: { exit: EXIT.environment, description: 'a node container did not become ready' },
  E_CONTAINER_EXEC: { exit: EXIT.environment, description: 'a command inside a node container failed' },
  E_SENDER_OUTPUT: { exit: EXIT.environment, description: 'a sender in a container printed no result' },
  E_IO: { exit: EXIT.environment, description: 'reading or writing a file failed (disk full, permissions)' },
  // interruption
  E_INTERRUPTED: { exit: EXIT.sigint, description: 'the run was interrupted (SIGINT → 130, SIGTERM → 143)' },
  // our own bugs
  E_INTERNAL: { exit: EXIT.environment, description: 'a bug in mxlab: please report it with MXLAB_DEBUG=1 output' },
} as const satisfies Record<string, ErrorInfo>;

export type ErrorCode = keyof typeof ERRORS;

type Short<K> = K extends `E_${infer N}` ? N : never;

/** Every code by its name without `E_` (`CODE.TOPOLOGY` is `'E_TOPOLOGY'`): the tree spells no code as a string. */
export const CODE = Object.freeze(Object.fromEntries(Object.keys(ERRORS).map((k) => [k.slice(2), k]))) as { readonly [K in ErrorCode as Short<K>]: K };

export interface ErrorOptions {
  /** the next step for the user, printed on its own line */
  hint?: string;
  cause?: unknown;
}

/** The base of every mxlab error: a stable `code`, a message, an optional next-step `hint` and `cause`. */
export class MxlabError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MxlabError';
    this.code = code;
    if (opts.hint !== undefined) this.hint = opts.hint;
  }

  /** the exit status of this error's code */
  get exit(): ExitCode {
    return ERRORS[this.code].exit;
  }
}

/** A usage error: the CLI prints the message and the command's usage and exits 2. */
export class UsageError extends MxlabError {
  constructor(message: string, opts?: ErrorOptions) {
    super(CODE.USAGE, message, opts);
    this.name = 'UsageError';
  }
}

/** The environment or the harness failed (Docker, ports, containers): exit by its code's table row. */
export class HarnessError extends MxlabError {
  constructor(code: ErrorCode, message: string, hint?: string, cause?: unknown) {
    super(code, message, { hint, cause });
    this.name = 'HarnessError';
  }
}

export function isMxlabError(err: unknown): err is MxlabError {
  return err instanceof MxlabError;
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** The exit status for any thrown value: its code's row, else internal (a bug). */
export function exitOf(err: unknown): ExitCode {
  const code = (err as { code?: unknown } | undefined)?.code;
  return isErrorCode(code) ? ERRORS[code].exit : ERRORS.E_INTERNAL.exit;
}

/** The exit status for an interrupt by `signal`. */
export function exitForSignal(signal: NodeJS.Signals | undefined): ExitCode {
  return signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
}
