import type { Clock } from '../../../model/clock.js';
import type { FirewallEvent } from '../../../model/result.js';
import { instantiate, type RuleSpec } from '../rules/index.js';
import type { BodyView } from './body-view.js';
import { genericLog } from './bytes.js';
import { OwedReplies } from './owed-replies.js';
import { analyzeClient, analyzeServer, initialSmtpState, type SmtpState } from './smtp-state.js';
import { actionOf, type ConnInfo, type Direction, type Rule, type Piece, type RuleContext, type Segment, type Verdict } from './types.js';

/** What to do with one segment after the rules ran. */
export interface SegmentOutcome {
  /** bytes to forward to the other side (absent: nothing) */
  forward?: Buffer;
  /** bytes to send back to the side the segment came from */
  reply?: Buffer;
  /** end the connection: `drop-connection` closes both sides, `reset` sends RST both ways */
  terminate?: 'drop-connection' | 'reset';
  /** hold the forwarded bytes this long (ms) */
  delayMs: number;
  /** the segment travelled inside TLS (not inspected) */
  tls: boolean;
  events: FirewallEvent[];
}

interface Instance {
  rule: Rule<unknown>;
  state: unknown;
}

/**
 * The per-connection inspection engine: keeps the SMTP state, runs the ordered rules over each
 * segment, chains rewrites, stops at the first terminal verdict. Pure of sockets: tests drive it
 * with crafted segments.
 */
export class ConnectionEngine {
  private smtp: SmtpState = initialSmtpState();
  private readonly instances: Instance[];
  private readonly owed = new OwedReplies();

  constructor(
    readonly info: ConnInfo,
    rules: readonly RuleSpec[],
    private readonly clock: Clock,
  ) {
    this.instances = rules.map((spec) => {
      const rule = instantiate(spec);
      return { rule, state: rule.init?.(info) };
    });
  }

  get state(): Readonly<SmtpState> {
    return this.smtp;
  }

  process(direction: Direction, data: Buffer): SegmentOutcome {
    const views: BodyView[] = [];
    try {
      return this.run(direction, data, views);
    } finally {
      for (const v of views) v.release();
    }
  }

  private run(direction: Direction, data: Buffer, views: BodyView[]): SegmentOutcome {
    const out: SegmentOutcome = { delayMs: 0, tls: false, events: [] };
    if (this.smtp.phase === 'tls-passthrough') return { ...out, forward: data, tls: true };
    const analyze = direction === 'client' ? analyzeClient : analyzeServer;
    const pre = analyze(this.smtp, data);
    if (pre.body) views.push(pre.body);
    const ctx: RuleContext = { conn: this.info, smtp: this.smtp };
    let cur = data;
    let seg = new LazySegment(direction, data, pre);
    for (const inst of this.instances) {
      const hook = direction === 'client' ? inst.rule.onClientSegment : inst.rule.onServerSegment;
      if (!hook) continue;
      // message body only: rules about commands, headers or the end of data have nothing to do
      if (seg.body && direction === 'client' && inst.rule.bodySegments === 'skip') continue;
      const v = this.safely(inst, () => hook.call(inst.rule, seg, inst.state, ctx), direction, ctx);
      // a delay is an event only when it says so (the fault rules log once, not per segment)
      if ((v.kind !== 'pass' && v.kind !== 'delay') || v.log) out.events.push(this.event(inst.rule.name, v, direction, ctx));
      switch (v.kind) {
        case 'pass':
          continue;
        case 'delay':
          out.delayMs += Math.max(0, v.ms);
          continue;
        case 'rewrite':
          // same length: the pieces still describe the segment (offsets valid); the body view is dropped
          if (v.data.length !== cur.length) {
            const again = analyze(this.smtp, v.data);
            if (again.body) views.push(again.body);
            seg = new LazySegment(direction, v.data, again);
          } else seg = new LazySegment(direction, v.data, { pieces: seg.pieces });
          cur = v.data;
          continue;
        case 'reply': {
          // the origin is answered; the server never sees the command, so nothing awaits a reply.
          // A client is answered in command order: after the server's replies still owed to it
          const s = this.smtp;
          this.smtp = { ...pre.next, pending: s.pending, forgotten: s.forgotten };
          if (direction === 'server') return { ...out, reply: v.data };
          const outstanding = (s.reply || s.phase === 'banner' ? 1 : 0) + s.pending.length + s.forgotten;
          const now = this.owed.add(outstanding, v.data);
          return now ? { ...out, reply: now } : out;
        }
        case 'drop-connection':
        case 'reset':
          return { ...out, terminate: v.kind };
      }
    }
    // the client's state follows what the server actually got (a masked EHLO is not an EHLO)
    this.smtp = direction === 'client' && cur !== data ? analyzeClient(this.smtp, cur).next : pre.next;
    if (direction === 'server' && this.owed.pending) {
      const finals = seg.pieces.filter((p) => p.kind === 'reply' && p.final).map((p) => p.end);
      cur = this.owed.splice(cur, finals);
    }
    return { ...out, forward: cur };
  }

  private safely(inst: Instance, run: () => Verdict, direction: Direction, ctx: RuleContext): Verdict {
    try {
      return run();
    } catch (err) {
      // a broken rule must not kill the connection or the process: pass, and say so
      return { kind: 'pass', log: genericLog(ctx, inst.rule.name, `rule failed on a ${direction} segment, passed unchanged: ${(err as Error).message}`) };
    }
  }

  private event(rule: string, v: Verdict, direction: Direction, ctx: RuleContext): FirewallEvent {
    const action = actionOf(v);
    return {
      t: this.clock.now(),
      node: this.info.node,
      conn: this.info.id,
      rule,
      action,
      direction,
      log: v.log ?? genericLog(ctx, rule, action),
    };
  }
}

/**
 * The segment rules see; `pieces` is read from the analysis only when a rule asks (body segments
 * build them then). A class, not an object literal with a getter: see `BodyAnalysis` in smtp-state.ts.
 */
class LazySegment implements Segment {
  constructor(
    readonly direction: Direction,
    readonly data: Buffer,
    private readonly a: { readonly pieces: readonly Piece[]; readonly body?: BodyView },
  ) {}
  get pieces(): readonly Piece[] {
    return this.a.pieces;
  }
  get body(): BodyView | undefined {
    return this.a.body;
  }
}
