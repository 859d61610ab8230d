import { CODE, HarnessError } from '../errors.js';
import type { ScenarioClock } from '../model/clock.js';
import type { CellPlan, MessagePlan } from '../model/plan.js';
import type { AttemptRecord, SessionResult, TimelineRecord } from '../model/result.js';
import { formatTime } from '../model/time.js';
import { delayAfter, queuePolicy, type QueuePolicy } from '../scenario/queue-policy.js';
import type { SenderNode, TimelineStep } from '../scenario/schema.js';
import type { StartedCell } from '../runtime/types.js';

/** What the schedule asks of a running cell. */
export interface ScheduleDriver {
  /**
   * The attempts due together (each message's `attempt` says which, 1-based), delivered at once;
   * `done` gets each attempt's session as it completes. Rejects on a harness failure.
   */
  deliver(batch: MessagePlan[], done: (s: SessionResult) => void): Promise<void>;
  /** applies one timeline step (the cell's nodes change for the connections that start afterwards) */
  apply(step: TimelineStep): Promise<void>;
}

/** The schedule's view of a started cell: attempts due together are one `deliver`, a step one `apply`. */
export function scheduleDriver(cell: StartedCell, runtime: string): ScheduleDriver {
  return {
    deliver: async (batch, done) => {
      await cell.deliver(batch, { onSession: done });
    },
    apply: (step) => {
      if (!cell.apply) throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `Failed to apply a timeline step: the ${runtime} runtime cannot change running nodes yet`, 'run the scenario with --runtime local');
      return cell.apply(step);
    },
  };
}

export interface ScheduleHooks {
  /** a message is final (delivered, bounced, expired, or deferred with no attempt left) */
  onSession?(s: SessionResult): void;
  onStep?(r: TimelineRecord): void;
  signal?: AbortSignal;
}

export interface ScheduleResult {
  /** one per message, in the plan's order */
  sessions: SessionResult[];
  timeline: TimelineRecord[];
  /** scenario time at the end */
  endMs: number;
}

type NewEvent = { at: number } & ({ kind: 'step'; step: TimelineStep } | { kind: 'attempt'; index: number; n: number });
type Event = NewEvent & { seq: number };

interface MessageState {
  plan: MessagePlan;
  policy: QueuePolicy | undefined;
  /** scenario time the message entered the queue (its first attempt) */
  queuedAt?: number;
  /** the attempt in flight: its number and start */
  current?: { n: number; t: number };
  sessions: SessionResult[];
  final?: SessionResult;
}

/**
 * A cell as a discrete-event schedule: message attempts and timeline steps ordered by scenario time.
 * Events due at the same time start together (steps first, in order, then the attempts, concurrently);
 * while nothing is in flight the clock jumps to the next event, so days of queue time pass in the
 * time of the sessions. A deferred message is tried again after its sender's `retry:` delays until it
 * is delivered, bounced, or older than `queue-lifetime:` at a failed attempt (bounced, `expired`, as
 * Postfix's maximal_queue_lifetime). A stopped sender holds its attempts until it is started.
 */
export async function runSchedule(plan: CellPlan, driver: ScheduleDriver, clock: ScenarioClock, hooks: ScheduleHooks = {}): Promise<ScheduleResult> {
  const s = plan.scenario;
  const states: MessageState[] = plan.messages.map((m) => ({ plan: m, policy: queuePolicy(s.nodes[m.spec.from] as SenderNode), sessions: [] }));
  const timeline: TimelineRecord[] = [];
  const queue: Event[] = [];
  let seq = 0;
  const push = (e: NewEvent) => {
    queue.push({ ...e, seq: seq++ });
    // steps before attempts at the same time; otherwise in the order written / scheduled
    queue.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'step' ? -1 : 1) || a.seq - b.seq);
  };
  // scenario time 0 is now, when the nodes are up
  clock.rebase();
  for (const step of s.timeline ?? []) push({ at: step.at, kind: 'step', step });
  const start = clock.now();
  states.forEach((_, index) => push({ at: start, kind: 'attempt', index, n: 1 }));

  const stopped = new Set<string>();
  /** attempts of a stopped sender, started again when it starts */
  const held = new Map<string, { index: number; n: number }[]>();
  const inFlight = new Set<Promise<void>>();
  let wake: () => void = () => undefined;
  let failure: unknown;

  const byId = new Map(states.map((st) => [st.plan.spec.id, st]));
  /** starts the attempts due now in one delivery (a stopped sender's are held) */
  const startBatch = (due: { index: number; n: number }[]) => {
    const t = clock.now();
    const batch: MessagePlan[] = [];
    for (const { index, n } of due) {
      const st = states[index];
      const sender = st.plan.spec.from;
      if (stopped.has(sender)) {
        held.set(sender, [...(held.get(sender) ?? []), { index, n }]);
        continue;
      }
      st.queuedAt ??= t;
      st.current = { n, t };
      batch.push({ ...st.plan, attempt: n });
    }
    if (!batch.length) return;
    const p = driver
      .deliver(batch, (session) => {
        const st = byId.get(session.message);
        if (!st?.current) return;
        const { n, t: started } = st.current;
        st.current = undefined;
        finishAttempt(st, states.indexOf(st), n, started, session);
        wake();
      })
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => {
        inFlight.delete(p);
        wake();
      });
    inFlight.add(p);
  };

  const finishAttempt = (st: MessageState, index: number, n: number, t: number, session: SessionResult) => {
    const end = clock.now();
    st.sessions.push({ ...session, t, deliveredAt: session.outcome === 'delivered' ? acceptedAt(session, end) : undefined, durationMs: end - t });
    const age = end - (st.queuedAt ?? t);
    if (session.outcome !== 'deferred' || !st.policy) return complete(st);
    if (age >= st.policy.lifetime) return complete(st, expired(session, age));
    push({ at: end + delayAfter(st.policy, n), kind: 'attempt', index, n: n + 1 });
  };

  const complete = (st: MessageState, override?: Pick<SessionResult, 'outcome' | 'reason' | 'detail'>) => {
    st.final = merge(st.sessions, override);
    hooks.onSession?.(st.final);
  };

  const applyStep = async (step: TimelineStep, at: number) => {
    const record: TimelineRecord = { at, t: clock.now(), node: step.node, change: describeStep(step) };
    try {
      if (step.state && s.nodes[step.node]?.role === 'sender') {
        if (step.state === 'stopped') stopped.add(step.node);
        else {
          stopped.delete(step.node);
          const waiting = held.get(step.node) ?? [];
          held.delete(step.node);
          startBatch(waiting);
        }
      } else await driver.apply(step);
    } catch (err) {
      // a step that cannot be applied ends the cell (validation catches what it can beforehand)
      record.error = (err as Error).message;
      timeline.push(record);
      hooks.onStep?.(record);
      throw err;
    }
    timeline.push(record);
    hooks.onStep?.(record);
  };

  while (queue.length || inFlight.size) {
    if (hooks.signal?.aborted) throw new HarnessError(CODE.INTERRUPTED, 'the run was interrupted');
    if (failure) break;
    const next = queue[0];
    if (next && inFlight.size === 0) clock.advanceTo(next.at);
    if (next && next.at <= clock.now()) {
      if (next.kind === 'step') {
        queue.shift();
        await applyStep(next.step, next.at);
        continue;
      }
      // every attempt due now goes in one delivery (steps due now sort before them)
      const due: { index: number; n: number }[] = [];
      while (queue[0]?.kind === 'attempt' && queue[0].at <= clock.now()) {
        const e = queue.shift() as Extract<Event, { kind: 'attempt' }>;
        due.push({ index: e.index, n: e.n });
      }
      startBatch(due);
      continue;
    }
    // something is in flight: wait for it, or for the next event to fall due meanwhile
    await new Promise<void>((resolve) => {
      const timer = next ? setTimeout(resolve, Math.max(0, next.at - clock.now())) : undefined;
      wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
    wake = () => undefined;
  }
  if (failure) {
    await Promise.allSettled([...inFlight]);
    throw failure;
  }
  // a sender stopped for good keeps what it held: the last attempt stands (or none was made)
  for (const st of states) {
    if (!st.final && st.sessions.length) complete(st);
  }
  const sessions = states.filter((st) => st.final).map((st) => st.final!);
  const never = states.filter((st) => !st.final).map((st) => st.plan.spec.id);
  if (never.length) throw new HarnessError(CODE.TOPOLOGY, `Failed to deliver ${never.join(', ')}: the sender was stopped by the timeline before the first attempt and never started again`, 'add a step { at: …, node: <sender>, state: started }');
  return { sessions, timeline, endMs: clock.now() };
}

/** One session for the message: the last attempt's fields, every attempt in `history`, the logs in order. */
function merge(attempts: SessionResult[], override?: Pick<SessionResult, 'outcome' | 'reason' | 'detail'>): SessionResult {
  const last = attempts[attempts.length - 1];
  const durationMs = attempts.reduce((sum, a) => sum + (a.durationMs ?? 0), 0);
  const merged: SessionResult = { ...last, ...override, attempts: attempts.length, ...(durationMs ? { durationMs } : {}) };
  if (attempts.length > 1) {
    merged.history = attempts.map((a, i): AttemptRecord => ({
      attempt: i + 1,
      t: a.t ?? 0,
      end: (a.t ?? 0) + (a.durationMs ?? 0),
      outcome: a.outcome,
      reason: a.reason,
      tls: a.tls,
      ...(a.detail !== undefined ? { detail: a.detail } : {}),
      clientView: a.clientView,
      serverView: a.serverView,
      hops: a.hops,
      firewall: a.firewall,
      ...(a.log ? { log: a.log } : {}),
      ...(a.wire ? { wire: a.wire } : {}),
      ...(a.keylog ? { keylog: a.keylog } : {}),
    }));
    // the key log of every attempt's TLS sessions (the last attempt's bytes stay in `wire`)
    const keys = attempts.flatMap((a) => a.keylog ?? []);
    if (keys.length) merged.keylog = keys;
    merged.log = attempts.flatMap((a, i) => [`mxlab: attempt ${i + 1} at ${formatTime(a.t ?? 0)}: ${a.outcome} (${a.reason})`, ...(a.log ?? [])]);
  }
  if (merged.outcome !== 'delivered') delete merged.deliveredAt;
  return merged;
}

function expired(last: SessionResult, age: number): Pick<SessionResult, 'outcome' | 'reason' | 'detail'> {
  return { outcome: 'bounced', reason: 'expired', detail: `message expired after ${formatTime(age)} in the queue; last error: ${last.detail ?? last.reason}` };
}

/** When the receiving side accepted the message: the 2xx after the end of data on the sender's hop, else `end`. */
function acceptedAt(s: SessionResult, end: number): number {
  const entries = s.hops[0]?.entries ?? [];
  let dot = false;
  for (const e of entries) {
    if (e.dir === 'c2s' && e.text === '.') dot = true;
    else if (dot && e.dir === 's2c' && /^2\d\d[ -]/.test(e.text)) return e.t;
  }
  return end;
}

/** A step in a few words for reports: `config-append "policy-map global_policy / …"`, `state stopped`. */
export function describeStep(step: TimelineStep): string {
  const quote = (v: string) => {
    const one = v.trim().split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(' / ');
    return `"${one.length > 120 ? `${one.slice(0, 117)}…` : one}"`;
  };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(step)) {
    if (k === 'at' || k === 'node' || v === undefined) continue;
    parts.push(`${k} ${typeof v === 'string' && /\s/.test(v.trim()) ? quote(v) : String(v)}`);
  }
  return parts.join(', ');
}
