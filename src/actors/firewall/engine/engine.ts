import type { Clock } from '../../../model/clock.js';
import type { FirewallEvent } from '../../../model/result.js';
import { instantiate, type RuleSpecData } from '../rules/index.js';
import type { BodyView } from './body-view.js';
import { genericLog } from './bytes.js';
import { OwedReplies } from './owed-replies.js';
import { analyzeClient, analyzeServer, initialSmtpState, type Analysis, type SmtpState } from './smtp-state.js';
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
  /** the segment is message body without the end of data (a recorder of it need not search for one) */
  body: boolean;
  events: FirewallEvent[];
}

interface Instance {
  rule: Rule<unknown>;
  state: unknown;
}

type Hook = NonNullable<Rule<unknown>['onClientSegment']>;

/** A rule's hook for one kind of segment, looked up once per connection (not per segment). */
interface Hooked {
  inst: Instance;
  hook: Hook;
}

/** An outcome without events shares this empty list; the engine gives an outcome its own on the first event. */
const NO_EVENTS: FirewallEvent[] = Object.freeze([]) as unknown as FirewallEvent[];

/**
 * The per-connection inspection engine: keeps the SMTP state, runs the ordered rules over each
 * segment, chains rewrites, stops at the first terminal verdict. Pure of sockets: tests drive it
 * with crafted segments.
 */
export class ConnectionEngine {
  private smtp: SmtpState = initialSmtpState();
  private readonly owed = new OwedReplies();
  /** hooks in rule order: client segments, message-body client segments (rules not `skip`), server segments */
  private readonly clientHooks: Hooked[] = [];
  private readonly bodyHooks: Hooked[] = [];
  private readonly serverHooks: Hooked[] = [];
  /** hooks for the bytes after STARTTLS (either direction): L4 faults, break-tls */
  private readonly tlsHooks: Hooked[] = [];
  /** handed to the rules; its `smtp` is set to the state before each segment */
  private readonly ctx: { conn: ConnInfo; smtp: SmtpState; clock: Clock };

  constructor(
    readonly info: ConnInfo,
    rules: readonly RuleSpecData[],
    private readonly clock: Clock,
  ) {
    for (const spec of rules) {
      const rule = instantiate(spec);
      const inst: Instance = { rule, state: rule.init?.(info) };
      if (rule.onClientSegment) {
        this.clientHooks.push({ inst, hook: rule.onClientSegment });
        // message body only: rules about commands, headers or the end of data have nothing to do
        if (rule.bodySegments !== 'skip') this.bodyHooks.push({ inst, hook: rule.onClientSegment });
      }
      if (rule.onServerSegment) this.serverHooks.push({ inst, hook: rule.onServerSegment });
      if (rule.onTlsSegment) this.tlsHooks.push({ inst, hook: rule.onTlsSegment });
    }
    this.ctx = { conn: info, smtp: this.smtp, clock };
  }

  get state(): Readonly<SmtpState> {
    return this.smtp;
  }

  process(direction: Direction, data: Buffer): SegmentOutcome {
    const views: BodyView[] = [];
    try {
      return this.run(direction, data, views);
    } finally {
      // (indexed loops on the per-segment path: an array iterator costs calls while V8 has not optimised the code yet)
      for (let i = 0; i < views.length; i++) views[i].release();
    }
  }

  private run(direction: Direction, data: Buffer, views: BodyView[]): SegmentOutcome {
    const out: SegmentOutcome = { forward: undefined, reply: undefined, terminate: undefined, delayMs: 0, tls: false, body: false, events: NO_EVENTS };
    if (this.smtp.phase === 'tls-passthrough') {
      out.tls = true;
      if (this.tlsHooks.length === 0) out.forward = data;
      else this.applyTlsRules(direction, data, out);
      return out;
    }
    const pre = direction === 'client' ? analyzeClient(this.smtp, data) : analyzeServer(this.smtp, data);
    if (pre.body) views.push(pre.body);
    out.body = pre.body !== undefined;
    const hooks = direction === 'server' ? this.serverHooks : pre.body ? this.bodyHooks : this.clientHooks;
    if (hooks.length === 0 && !(direction === 'server' && this.owed.pending)) {
      // no rule looks at this segment (a device without body rules, inside a message): pass it
      this.smtp = pre.next;
      out.forward = data;
      return out;
    }
    return this.applyRules(direction, data, pre, hooks, views, out);
  }

  /** Runs `hooks` over the segment in order: chains rewrites, stops at the first terminal verdict. */
  private applyRules(direction: Direction, data: Buffer, pre: Analysis, hooks: readonly Hooked[], views: BodyView[], out: SegmentOutcome): SegmentOutcome {
    const analyze = direction === 'client' ? analyzeClient : analyzeServer;
    const ctx = this.ctx;
    ctx.smtp = this.smtp;
    let cur = data;
    let restate = false;
    let seg: Segment = new LazySegment(direction, data, pre);
    for (let i = 0; i < hooks.length; i++) {
      const { inst, hook } = hooks[i];
      let v: Verdict;
      try {
        v = hook.call(inst.rule, seg, inst.state, ctx);
      } catch (err) {
        // a broken rule must not kill the connection or the process: pass, and say so
        v = { kind: 'pass', log: genericLog(ctx, inst.rule.name, `rule failed on a ${direction} segment, passed unchanged: ${(err as Error).message}`) };
      }
      // a delay is an event only when it says so (the fault rules log once, not per segment)
      if ((v.kind !== 'pass' && v.kind !== 'delay') || v.log) {
        if (out.events === NO_EVENTS) out.events = [];
        out.events.push(this.event(inst.rule.name, v, direction, ctx));
      }
      switch (v.kind) {
        case 'pass':
          continue;
        case 'delay':
          out.delayMs += Math.max(0, v.ms);
          continue;
        case 'rewrite':
          if (v.restate) restate = true;
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
          if (direction === 'server') {
            out.reply = v.data;
            return out;
          }
          const outstanding = (s.reply || s.phase === 'banner' ? 1 : 0) + s.pending.length + s.forgotten;
          out.reply = this.owed.add(outstanding, v.data);
          return out;
        }
        case 'drop-connection':
        case 'reset':
          out.terminate = v.kind;
          return out;
      }
    }
    // the client's state follows what the server actually got (a masked EHLO is not an EHLO); the
    // server's when a rule says so (a 220 to STARTTLS turned into a 454 starts no TLS: strip-tls-reply)
    this.smtp = cur !== data && (direction === 'client' || restate) ? analyze(this.smtp, cur).next : pre.next;
    if (direction === 'server' && this.owed.pending) {
      const finals = seg.pieces.filter((p) => p.kind === 'reply' && p.final).map((p) => p.end);
      cur = this.owed.splice(cur, finals);
    }
    out.forward = cur;
    return out;
  }

  /** The rules below SMTP over bytes after STARTTLS: pass, delay, shorten, or end the connection. */
  private applyTlsRules(direction: Direction, data: Buffer, out: SegmentOutcome): void {
    const ctx = this.ctx;
    ctx.smtp = this.smtp;
    let cur = data;
    for (let i = 0; i < this.tlsHooks.length; i++) {
      const { inst, hook } = this.tlsHooks[i];
      const seg = new LazySegment(direction, cur, direction === 'client' ? analyzeClient(this.smtp, cur) : analyzeServer(this.smtp, cur));
      let v: Verdict;
      try {
        v = hook.call(inst.rule, seg, inst.state, ctx);
      } catch (err) {
        v = { kind: 'pass', log: genericLog(ctx, inst.rule.name, `rule failed on a TLS ${direction} segment, passed unchanged: ${(err as Error).message}`) };
      }
      if ((v.kind !== 'pass' && v.kind !== 'delay') || v.log) {
        if (out.events === NO_EVENTS) out.events = [];
        out.events.push(this.event(inst.rule.name, v, direction, ctx));
      }
      if (v.kind === 'delay') out.delayMs += Math.max(0, v.ms);
      else if (v.kind === 'rewrite' && v.data.length <= cur.length) cur = v.data;
      else if (v.kind === 'drop-connection' || v.kind === 'reset') {
        out.terminate = v.kind;
        return;
      }
    }
    out.forward = cur;
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
