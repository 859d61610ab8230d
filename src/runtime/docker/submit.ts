import type { DeliveryResult } from '../../actors/sender/index.js';
import type { CellPlan, MessagePlan } from '../../model/plan.js';
import { nodeHostname } from '../../model/plan.js';
import type { SenderNode } from '../../scenario/schema.js';
import type { MtaReport } from '../collect/collector.js';
import { messageSpecOf } from '../message-spec.js';
import { HarnessError, type RunContext } from '../types.js';
import type { CellNode } from './cell-node.js';
import { execLines, execOk } from './containers.js';
import { MAX_EML_BYTES } from '../../actors/sender/eml.js';
import { readInputBytes } from '../../scenario/input-file.js';
import { submission } from './message-text.js';
import type { MtaVerdict, SubmittedMessage } from './mta/index.js';
import { queuePolicy } from '../../scenario/queue-policy.js';
import { deliverArgv } from './node-specs.js';
import { queriesFor } from './lab-dns.js';
import { recorderKey, recorderName, type StartedTopology } from './topology.js';
import { CODE } from '../../errors.js';

/** A deferred message a real MTA keeps queued for its next attempt. */
export interface QueuedMessage {
  /** the MTA's queue id */
  qid: string;
  /**
   * when its first deferral was read from the log (ms, real time): the MTA had queued it by then, so
   * its age in the MTA's own accounting is at least the time since
   */
  deferredAt: number;
  /** what it was submitted as (its Message-ID, envelope) */
  sub: SubmittedMessage;
}

export interface SubmitEnv {
  plan: CellPlan;
  ctx: RunContext;
  topo: StartedTopology;
  /** message id → a deferred message a real MTA keeps queued for its next attempt (a sender with retry:) */
  queued: Map<string, QueuedMessage>;
}

/** Submission processes a real MTA's container runs at once (each hands one message to the MTA). */
const SUBMIT_CONCURRENCY = 20;
let batch = 0;

/**
 * The builtin sender in its container: one `mxlab deliver` per next hop with all of that hop's
 * messages, which it delivers concurrently; one DeliveryResult per message id.
 */
export async function submitBuiltin(env: SubmitEnv, node: CellNode, sender: SenderNode, hostname: string, ms: MessagePlan[], onResult?: (id: string, result: DeliveryResult) => void): Promise<Map<string, DeliveryResult>> {
  const groups = new Map<string, MessagePlan[]>();
  const dns = env.topo.dns;
  // with the lab DNS one process routes every message (and shares its MTA-STS cache); else one per next hop
  const key = (m: MessagePlan) => (dns ? '' : `${m.path[1]} ${m.spec.to}`);
  for (const m of ms) groups.set(key(m), [...(groups.get(key(m)) ?? []), m]);
  const out = new Map<string, DeliveryResult>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const file = `/tmp/mxlab-messages-${++batch}.json`;
      // an eml goes into the container as it is; the sender there reads it from its own path
      const specs = group.map((m) => ({ ...messageSpecOf(m), ...(m.attempt ? { attempt: m.attempt } : {}) }));
      const emls = await Promise.all(specs.filter((sp) => sp.eml).map(async (sp) => ({ content: await readInputBytes(sp.eml!, 'message file (.eml)', MAX_EML_BYTES), target: (sp.eml = `/tmp/mxlab-eml-${batch}-${sp.id}.eml`) })));
      await node.c.container.copyContentToContainer([...emls, { content: JSON.stringify(specs), target: file }]);
      const argv = deliverArgv({
        sender: { name: node.c.node, hostname, tls: sender.tls, timeoutMs: sender.timeout, ...(sender['plaintext-fallback'] ? { plaintextFallback: sender['plaintext-fallback'] } : {}), ...(env.ctx.capture ? { keylog: true } : {}) },
        messageFile: file,
        ...(dns
          ? { dns: { resolver: `${dns.resolverOn(env.topo.networkOf(node.c.node))}:53`, nodes: dns.nodeAt } }
          : {
              // straight into a receiver through its recording hop, when the runtime put one there
              target: `${env.topo.containerName(group[0].path.length === 2 && env.topo.recorders.has(recorderKey(group[0].path[0], group[0].path[1])) ? recorderName(group[0].path[0], group[0].path[1]) : group[0].path[1])}:25`,
              node: group[0].path[1],
              servername: nodeHostname(env.plan.scenario, group[0].spec.to),
            }),
        epochOrigin: env.topo.epochOrigin,
      });
      // one JSON line per message as it finishes: each message's session is collected as its line arrives
      let text = '';
      await execLines(node.c, argv, `mxlab deliver (${group.length} messages)`, (line) => {
        text = (text + line + '\n').slice(-2000);
        if (!line.startsWith('{')) return;
        let parsed: DeliveryResult & { id: string };
        try {
          parsed = JSON.parse(line) as DeliveryResult & { id: string };
        } catch {
          return;
        }
        const { id, ...result } = parsed;
        if (!group.some((m) => m.spec.id === id) || out.has(id)) return;
        out.set(id, result);
        onResult?.(id, result);
      });
      const missing = group.filter((m) => !out.has(m.spec.id)).map((m) => m.spec.id);
      if (missing.length) throw new HarnessError(CODE.SENDER_OUTPUT, `mxlab deliver printed no result for ${missing.join(', ')}: ${text.slice(-300)}`);
    }),
  );
  return out;
}

/**
 * The shell script that hands every message to the MTA's submission command: at most `slots` at a
 * time, a rolling pool (a FIFO holds one token per free slot; each submission takes one and gives it
 * back when it ends), so a slow submission holds up one slot, not a wave. `slots` 1: one at a time, in
 * order (an MTA whose log names no Message-ID). Without mkfifo in the image: waves of `slots`.
 * A failed submission prints `mxlab-submit-failed ID STATUS` and its stderr.
 */
export function submitScript(items: { id: string; argv: string[] }[], slots: number, fifo: string): string {
  const run = 'run() { id="$1"; shift; "$@" >/dev/null 2>/tmp/mxlab-submit-$id.err 3>&- || { echo "mxlab-submit-failed $id $?"; cat /tmp/mxlab-submit-$id.err; }; }';
  const calls = items.map((x) => `${slots > 1 ? 'slot ' : ''}run ${quote(x.id)} ${x.argv.map(quote).join(' ')}`);
  if (slots <= 1) return [run, ...calls, ''].join('\n');
  return [
    run,
    `if mkfifo ${quote(fifo)} 2>/dev/null; then`,
    `  exec 3<>${quote(fifo)}; rm -f ${quote(fifo)}`,
    `  i=0; while [ "$i" -lt ${slots} ]; do echo >&3; i=$((i + 1)); done`,
    '  slot() { read -r _ <&3; { "$@"; echo >&3; } & }',
    'else',
    `  k=0; slot() { "$@" & k=$((k + 1)); [ $((k % ${slots})) -ne 0 ] || wait; }`,
    'fi',
    ...calls,
    'wait',
    '',
  ].join('\n');
}

/** POSIX-shell quoting of one word. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A real MTA in its container: every message written into the container and handed to the MTA's
 * own submission command at once (at most SUBMIT_CONCURRENCY processes at a time), then each
 * followed in the MTA's log until it is delivered, deferred or bounced.
 */
export async function submitMta(env: SubmitEnv, node: MtaSenderNode, sender: SenderNode, hostname: string, all: MessagePlan[]): Promise<Map<string, MtaReport>> {
  const role = node.adapter.sender;
  if (!role) throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `mta: ${sender.mta} cannot send`);
  const timeoutMs = Math.min(180_000, 6 * sender.timeout + 15_000);
  const reports = new Map<string, MtaReport>();
  // a later attempt of a message the MTA kept queued: run its queue for it, read the attempt from the log
  const retries = all.filter((m) => (m.attempt ?? 1) > 1 && env.queued.has(m.spec.id));
  const ms = all.filter((m) => !retries.includes(m));
  await Promise.all(retries.map(async (m) => reports.set(m.spec.id, await retryMta(env, node, sender, hostname, m, timeoutMs))));
  if (!ms.length) return reports;
  // a sender with retry: keeps a deferred message queued, as the real MTA does, for the schedule's next attempt
  const keep = queuePolicy(sender) !== undefined && role.queue !== undefined;
  const n = ++batch;
  const seen = new Map<string, number>();
  const subs = await Promise.all(
    ms.map(async (m) => {
      const spec = messageSpecOf(m);
      const made = await submission(spec, hostname, env.ctx.dkim);
      const pair = `${spec.from} ${spec.to}`;
      const nth = seen.get(pair) ?? 0;
      seen.set(pair, nth + 1);
      const sub: SubmittedMessage = { id: spec.id, messageId: made.messageId, from: spec.from, to: spec.to, rcpt: spec.rcpt ?? [spec.to], nth };
      return { m, spec, sub, content: made.content, file: `/tmp/mxlab-${n}-${spec.id}.eml` };
    }),
  );
  const script = submitScript(subs.map((s) => ({ id: s.spec.id, argv: role.submit(s.sub, s.file) })), role.sequential ? 1 : SUBMIT_CONCURRENCY, `/tmp/mxlab-submit-${n}.slots`);
  await node.c.container.copyContentToContainer([
    ...subs.map((s) => ({ content: s.content, target: s.file })),
    { content: script, target: `/tmp/mxlab-submit-${n}.sh` },
  ]);
  const from = node.c.logs.length;
  // before the submission: Exim (-odi) delivers, and looks up, while its sendmail command runs
  const t0 = containerNow(env);
  const out = await execOk(node.c, ['sh', `/tmp/mxlab-submit-${n}.sh`], `submitting ${ms.length} messages to ${sender.mta}`);
  if (out.includes('mxlab-submit-failed')) {
    throw new HarnessError(CODE.CONTAINER_EXEC, `submitting to ${sender.mta} in ${node.c.node} failed: ${out.trim().slice(-500)}`);
  }
  await Promise.all(
    subs.map(async (s) => {
      const verdict = await role.follow(node.c.logs, from, s.sub, timeoutMs, env.ctx.signal);
      if (keep && verdict.outcome === 'deferred' && verdict.queueId) env.queued.set(s.spec.id, { qid: verdict.queueId, deferredAt: Date.now(), sub: s.sub });
      else if (verdict.outcome !== 'delivered' && verdict.queueId) await node.c.container.exec(role.drop(verdict.queueId)).catch(() => undefined);
      reports.set(s.spec.id, report(env, node, sender, s.spec.to, verdict, hostname, t0));
    }),
  );
  return reports;
}

type MtaSenderNode = Extract<CellNode, { kind: 'mta-sender' }>;

/** A later attempt of a queued message: the MTA is told to try it now; the attempt is read from its log. */
async function retryMta(env: SubmitEnv, node: MtaSenderNode, sender: SenderNode, hostname: string, m: MessagePlan, timeoutMs: number): Promise<MtaReport> {
  const queue = node.adapter.sender!.queue!;
  const { qid, deferredAt, sub } = env.queued.get(m.spec.id)!;
  const wait = (queue.minAgeMs ?? 0) - (Date.now() - deferredAt);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const from = node.c.logs.length;
  const since = containerNow(env);
  await execOk(node.c, queue.run(qid), `running ${sender.mta}'s queue for ${m.spec.id}`);
  const verdict = await queue.follow(node.c.logs, from, sub, qid, timeoutMs, env.ctx.signal);
  if (verdict.outcome !== 'deferred') env.queued.delete(m.spec.id);
  return { ...report(env, node, sender, sub.to, verdict, hostname, since), since };
}

/** Now on the containers' clock (real time since the cell started), which the scenario clock's jumps do not move. */
function containerNow(env: SubmitEnv): number {
  return env.ctx.clock.now() - ((env.ctx.clock as { skippedMs?: number }).skippedMs ?? 0);
}

/** One attempt's report from the MTA's verdict; `t0`: when the attempt began (containers' clock). */
function report(env: SubmitEnv, node: MtaSenderNode, sender: SenderNode, to: string, verdict: MtaVerdict, hostname: string, t0: number): MtaReport {
  const at = containerNow(env);
  // the queries this sender made while the message was in flight, for its domain and MX hosts (resolver clock: ±250 ms)
  const dns = env.topo.dns ? queriesFor(env.topo.dns.queries(node.c.node, t0 - 250, at + 250), to) : undefined;
  return {
    outcome: verdict.outcome,
    reason: policyReason(sender.tls, verdict.reason, verdict.detail ?? ''),
    tls: verdict.tls,
    ...(verdict.detail !== undefined ? { detail: verdict.detail } : {}),
    log: verdict.log,
    attempts: 1,
    hostname,
    at,
    ...(verdict.localPort !== undefined ? { localPort: verdict.localPort } : {}),
    ...(verdict.greeting ? { greeting: verdict.greeting } : {}),
    ...(dns ? { dns } : {}),
    ...(verdict.relayAddress ? { relayAddress: verdict.relayAddress } : {}),
  };
}

/**
 * A real MTA logs a missing STARTTLS the same way whatever made TLS mandatory (Postfix "TLS is required,
 * but was not offered by host", Exim "a TLS session is required, but the server did not offer TLS
 * support"); under dane / dane-only it was the TLSA records, under mta-sts the policy: the reason says so.
 * Likewise a failed certificate check ("Server certificate not verified", Exim "certificate verification
 * failed") is DANE's under dane / dane-only (no matching TLSA record, or a DANE-TA certificate naming
 * another host: Postfix "num=62:hostname mismatch") and the policy's under mta-sts.
 */
function policyReason(tls: SenderNode['tls'], reason: MtaReport['reason'], detail: string): MtaReport['reason'] {
  // Postfix under an MTA-STS "secure" policy: a certificate the policy does not accept
  if (tls === 'mta-sts' && reason === 'tls-failed' && /certificate not verified|verification failed/i.test(detail)) return 'mta-sts-policy';
  // under DANE the certificate is checked against the TLSA records (and a DANE-TA one for its name)
  if ((tls === 'dane' || tls === 'dane-only') && reason === 'tls-failed' && /certificate not verified|verification failed/i.test(detail)) return 'dane-mismatch';
  if (reason !== 'tls-not-offered' && reason !== 'starttls-refused') return reason;
  if (tls === 'dane' || tls === 'dane-only') return 'dane-required-tls-not-offered';
  if (tls === 'mta-sts') return 'mta-sts-policy';
  return reason;
}
