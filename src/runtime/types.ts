import type { Clock } from '../model/clock.js';
import type { NodeVersion, SessionResult } from '../model/result.js';
import type { CellPlan, MessagePlan } from '../model/plan.js';
import type { TimelineStep } from '../scenario/schema.js';
import type { RunCertificates } from '../tls/certs.js';
import type { DkimKey } from '../actors/sender/index.js';

/** What every runtime gets from the runner: one clock, one set of keys per run. */
export interface RunContext {
  runId: string;
  clock: Clock;
  certs: RunCertificates;
  dkim: DkimKey;
  /** progress lines for the console (e.g. image builds); never for results */
  progress(line: string): void;
  signal?: AbortSignal;
  /** record each hop's raw bytes and TLS key log lines into the sessions (`wire`, `keylog`); off: nothing is recorded, nothing costs */
  capture?: boolean;
}

/** A place where nodes run. `local` = in-process on 127.0.0.1; `docker` = containers. */
export interface Runtime {
  readonly name: 'local' | 'docker';
  /** one-time work before any cell (e.g. building images); idempotent */
  prepare?(plans: CellPlan[], ctx: RunContext): Promise<void>;
  /** starts every node of one cell; stop() of the result undoes everything */
  startCell(plan: CellPlan, ctx: RunContext): Promise<StartedCell>;
  /** releases what prepare() made (e.g. networks); idempotent */
  dispose?(): Promise<void>;
}

/** What a cell reports while it delivers. */
export interface DeliverHooks {
  /** called as each message's session is complete, in the order they complete */
  onSession?(s: SessionResult): void;
}

/**
 * A running cell: deliver its messages through it, then stop it (idempotent, reverse start order).
 * `deliver` submits every message at once and follows them concurrently (each sender keeps its
 * own concurrency, as an MTA does); it resolves with one session per message in the order given.
 * A harness failure rejects once every message has settled; sessions finished before it were
 * passed to `onSession`.
 */
export interface StartedCell extends AsyncDisposable {
  deliver(messages: MessagePlan[], hooks?: DeliverHooks): Promise<SessionResult[]>;
  /** what runs as each node (software, version, image): bundles record it */
  describe?(): Promise<Record<string, NodeVersion>>;
  /**
   * Applies one timeline step to the running nodes (firewall config/device/fault, receiver tls/size/tls-fault,
   * a firewall's or receiver's state); connections that start afterwards see it. A runtime without it
   * cannot run a timeline.
   */
  apply?(step: TimelineStep): Promise<void>;
  stop(): Promise<void>;
}

export { HarnessError } from '../errors.js';
