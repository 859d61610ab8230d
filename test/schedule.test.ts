import { describe, expect, it } from 'vitest';
import { ScenarioClock } from '../src/model/clock.js';
import type { CellPlan, MessagePlan } from '../src/model/plan.js';
import type { Outcome, Reason, SessionResult } from '../src/model/result.js';
import { runSchedule, type ScheduleDriver } from '../src/run/schedule.js';
import { scenarioSchema, type ScenarioInput, type TimelineStep } from '../src/scenario/schema.js';

/** The schedule on its own: a driver that answers each attempt from a script, and the real scenario clock. */
function plan(input: Partial<ScenarioInput>): CellPlan {
  const scenario = scenarioSchema.parse({
    name: 't',
    nodes: { esa: { role: 'receiver' }, fw: { role: 'firewall', device: 'none', 'forwards-to': 'esa' }, a: { role: 'sender', via: 'fw', retry: ['5m', '10m', '20m'], 'queue-lifetime': '4h' }, b: { role: 'sender' } },
    messages: [{ id: 'm', from: 'a', to: 'esa' }],
    ...input,
  });
  return {
    file: 't.yaml', name: 't', cell: {}, label: '', scenario, expectations: [], firewalls: {}, firewallSources: {},
    messages: scenario.messages.map((spec) => ({ spec, fromAddress: `${spec.from}@x`, toAddress: 'postmaster@esa', path: [spec.from, 'esa'] })),
  };
}

const session = (m: MessagePlan, outcome: Outcome, reason: Reason): SessionResult => ({
  message: m.spec.id, from: m.spec.from, to: m.spec.to, outcome, reason, tls: false, attempts: 1, detail: `${outcome} ${reason}`,
  clientView: { banner: [], ehlo: [] }, serverView: { commands: [], tls: false, accepted: outcome === 'delivered' }, hops: [], firewall: { events: [] },
});

/** Attempts fail (deferred) until `okFrom` (scenario ms), or bounce; records when each attempt and step happened. */
function driver(clock: ScenarioClock, o: { okFrom?: number; bounce?: boolean; stepError?: string } = {}) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const one = async (m: MessagePlan): Promise<SessionResult> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const t = clock.now();
    log.push(`${m.spec.id}#${m.attempt}@${Math.round(t / 1000)}s`);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    if (o.bounce) return session(m, 'bounced', 'rejected');
    return o.okFrom !== undefined && t >= o.okFrom ? session(m, 'delivered', 'ok') : session(m, 'deferred', 'connection-reset');
  };
  const d: ScheduleDriver = {
    async deliver(batch, done) {
      await Promise.all(batch.map(async (m) => done(await one(m))));
    },
    async apply(step: TimelineStep) {
      log.push(`step ${step.node}@${Math.round(clock.now() / 1000)}s`);
      if (o.stepError) throw new Error(o.stepError);
    },
  };
  return { d, log, maxInFlight: () => maxInFlight };
}

describe('the schedule', () => {
  it('retries after the delays (the last repeating) and jumps the clock over the idle time', async () => {
    const clock = new ScenarioClock();
    const { d, log } = driver(clock, { okFrom: 50 * 60_000 });
    const t0 = performance.now();
    const r = await runSchedule(plan({}), d, clock);
    const real = performance.now() - t0;
    // attempts at 0, 5m, 15m, 35m, 55m (delivered): each delay counted from the end of the failed attempt
    expect(log).toEqual(['m#1@0s', 'm#2@300s', 'm#3@900s', 'm#4@2100s', 'm#5@3300s']);
    expect(r.sessions[0]).toMatchObject({ outcome: 'delivered', attempts: 5 });
    expect(r.sessions[0].history!.map((a) => `${a.attempt} ${a.outcome}`)).toEqual(['1 deferred', '2 deferred', '3 deferred', '4 deferred', '5 delivered']);
    expect(r.sessions[0].deliveredAt).toBeGreaterThanOrEqual(3300_000);
    expect(r.endMs).toBeGreaterThanOrEqual(3300_000);
    // 55 minutes of scenario time, the sessions' real time plus a little: far less than a minute
    expect(clock.skippedMs).toBeGreaterThan(r.endMs - real - 1);
  });

  it('a deferred message older than queue-lifetime at a failed attempt bounces with reason expired', async () => {
    const clock = new ScenarioClock();
    const { d, log } = driver(clock);
    const r = await runSchedule(plan({}), d, clock);
    const s = r.sessions[0];
    expect(s).toMatchObject({ outcome: 'bounced', reason: 'expired', attempts: 15 });
    expect(s.detail).toMatch(/^message expired after 4h15m0\.\ds in the queue; last error: deferred connection-reset$/);
    expect(log.at(-1)).toBe('m#15@15300s');
    expect(s.history!.at(-1)).toMatchObject({ outcome: 'deferred', reason: 'connection-reset' });
  });

  it('a bounce is not retried; a sender without retry makes one attempt', async () => {
    const clock = new ScenarioClock();
    const bounced = driver(clock, { bounce: true });
    expect((await runSchedule(plan({}), bounced.d, clock)).sessions[0]).toMatchObject({ outcome: 'bounced', reason: 'rejected', attempts: 1 });
    expect(bounced.log).toEqual(['m#1@0s']);
    const once = driver(clock);
    const r = await runSchedule(plan({ messages: [{ id: 'n', from: 'b', to: 'esa' }], timeline: [{ at: '1h', node: 'fw', fault: 'none' }] }), once.d, clock);
    expect(r.sessions[0]).toMatchObject({ outcome: 'deferred', attempts: 1 });
    expect(r.sessions[0].history).toBeUndefined();
  });

  it('steps due with attempts apply first; attempts due together run at once', async () => {
    const clock = new ScenarioClock();
    const { d, log, maxInFlight } = driver(clock, { okFrom: 10 * 60_000 });
    const p = plan({
      messages: [{ id: 'm1', from: 'a', to: 'esa' }, { id: 'm2', from: 'a', to: 'esa' }, { id: 'm3', from: 'a', to: 'esa' }],
      nodes: { esa: { role: 'receiver' }, fw: { role: 'firewall', device: 'none', 'forwards-to': 'esa' }, a: { role: 'sender', via: 'fw', retry: ['10m'] } },
      timeline: [{ at: '10m', node: 'fw', fault: 'none' }, { at: 0, node: 'fw', fault: 'break-tls' }],
    });
    const r = await runSchedule(p, d, clock);
    expect(log.slice(0, 4)).toEqual(['step fw@0s', 'm1#1@0s', 'm2#1@0s', 'm3#1@0s']);
    expect(log[4]).toBe('step fw@600s');
    expect(maxInFlight()).toBe(3);
    expect(r.sessions.map((s) => `${s.message} ${s.outcome} ${s.attempts}`)).toEqual(['m1 delivered 2', 'm2 delivered 2', 'm3 delivered 2']);
    expect(r.timeline.map((x) => `${x.node} ${x.change} at ${x.at}`)).toEqual(['fw fault break-tls at 0', 'fw fault none at 600000']);
  });

  it('a stopped sender holds its attempts until it is started', async () => {
    const clock = new ScenarioClock();
    const { d, log } = driver(clock, { okFrom: 0 });
    const r = await runSchedule(plan({ timeline: [{ at: 0, node: 'a', state: 'stopped' }, { at: '2h', node: 'a', state: 'started' }] }), d, clock);
    expect(log).toEqual(['m#1@7200s']);
    expect(r.sessions[0]).toMatchObject({ outcome: 'delivered', attempts: 1 });
    expect(r.timeline.map((x) => x.change)).toEqual(['state stopped', 'state started']);
  });

  it('a sender never started again is a harness error naming the message', async () => {
    const clock = new ScenarioClock();
    const { d } = driver(clock, { okFrom: 0 });
    await expect(runSchedule(plan({ timeline: [{ at: 0, node: 'a', state: 'stopped' }] }), d, clock)).rejects.toThrow(
      'Failed to deliver m: the sender was stopped by the timeline before the first attempt and never started again',
    );
  });

  it('a step that cannot be applied ends the cell with its error', async () => {
    const clock = new ScenarioClock();
    const { d } = driver(clock, { stepError: 'Failed to start firewall "fw": device unknown' });
    await expect(runSchedule(plan({ timeline: [{ at: '1m', node: 'fw', device: 'asa 9.12(4)' }] }), d, clock)).rejects.toThrow('device unknown');
  });
});
