import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/index.js';
import type { TranscriptEntry } from '../src/model/result.js';
import type { MessagePlan } from '../src/model/plan.js';
import { collectSessions, type CollectItem, type MtaReport } from '../src/runtime/collect/collector.js';
import { RecordStore } from '../src/runtime/collect/record-store.js';
import type { HopRecord, ReceiverRecord } from '../src/runtime/collect/records.js';
import { messagesIn, transactionOf } from '../src/runtime/collect/transactions.js';

/** A transcript line; `t` grows with each call so spans can be compared. */
let clock = 0;
const c = (text: string): TranscriptEntry => ({ t: ++clock, dir: 'c2s', text });
const s = (text: string): TranscriptEntry => ({ t: ++clock, dir: 's2c', text });
const transaction = (id: string) => [c('MAIL FROM:<a@a.example>'), s('250 ok'), c('RCPT TO:<postmaster@mx.example.com>'), s('250 ok'), c('DATA'), s('354 go'), c(`X-Mxlab-Message: ${id}`), c('<message: 300 bytes>'), c('.'), s('250 queued')];
const preamble = (helo: string) => [s('220 mx.example.com ESMTP'), c(`EHLO ${helo}`), s('250-mx.example.com'), s('250 8BITMIME')];

const plan = (id: string, path = ['pf', 'fw', 'mx']): MessagePlan => ({
  spec: { id, from: path[0], to: path[path.length - 1], starttls: 'auto', dkim: false },
  fromAddress: `${path[0]}@${path[0]}.example`,
  toAddress: 'postmaster@mx.example.com',
  path,
});
const mta = (o: Partial<MtaReport> = {}): MtaReport => ({ outcome: 'delivered', reason: 'ok', tls: false, log: [], attempts: 1, hostname: 'pf.example', at: 0, ...o });

describe('one collector for both runtimes', () => {
  it('finds the messages a transcript carries and cuts one transaction out of a reused connection', () => {
    const entries = [...preamble('pf.example'), ...transaction('m1'), ...transaction('m2'), c('QUIT'), s('221 bye')];
    expect(messagesIn(entries)).toEqual(['m1', 'm2']);
    const m2 = transactionOf(entries, 'm2').map((e) => e.text);
    expect(m2.slice(0, 4)).toEqual(['220 mx.example.com ESMTP', 'EHLO pf.example', '250-mx.example.com', '250 8BITMIME']);
    expect(m2).toContain('X-Mxlab-Message: m2');
    expect(m2).not.toContain('X-Mxlab-Message: m1');
    expect(m2.slice(-2)).toEqual(['QUIT', '221 bye']);
    expect(transactionOf(entries, 'm1').map((e) => e.text)).not.toContain('QUIT');
  });

  it('a real MTA that reused one connection for two messages: each session gets its own transaction, found from the receiver back by port', async () => {
    const fw = new RecordStore<HopRecord>();
    const mx = new RecordStore<ReceiverRecord>();
    const client = [...preamble('pf.example'), ...transaction('m1'), ...transaction('m2'), c('QUIT')];
    fw.push({ id: 1, clientPort: 40001, upstreamLocalPort: 50001, clientHop: client, serverHop: client, events: [{ t: 1, node: '', conn: 1, rule: 'mask-banner', action: 'rewrite', direction: 'server', log: 'banner masked' }] });
    mx.push({ id: 1, remotePort: 50001, transcript: client, view: { commands: ['EHLO pf.example'], tls: false, accepted: true } });
    const items: CollectItem[] = ['m1', 'm2'].map((id) => ({
      m: plan(id),
      report: { kind: 'mta', report: mta() },
      stations: [{ kind: 'hop', node: 'fw', records: fw, firewall: true }, { kind: 'receiver', node: 'mx', records: mx }],
      settleMs: 0,
    }));
    const [a, b] = await collectSessions(items);
    expect(a.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['pf>fw', 'fw>mx']);
    expect(a.hops[0].entries.map((e) => e.text)).toContain('X-Mxlab-Message: m1');
    expect(a.hops[1].entries.map((e) => e.text)).not.toContain('X-Mxlab-Message: m2');
    expect(b.hops[1].entries.map((e) => e.text)).toContain('X-Mxlab-Message: m2');
    expect(a.clientView.banner).toEqual(['220 mx.example.com ESMTP']);
    expect(b.firewall.events.map((e) => `${e.node} ${e.rule}`)).toEqual(['fw mask-banner']);
  });

  it('connections that never carried a message are given by EHLO name and time, each to one message', async () => {
    const fw = new RecordStore<HopRecord>();
    const early = [...preamble('pf.example'), c('QUIT')];
    const other = [...preamble('other.example'), c('QUIT')];
    const late = [...preamble('pf.example'), c('QUIT')];
    fw.push({ id: 1, clientPort: 1, clientHop: early, serverHop: early, events: [] });
    fw.push({ id: 2, clientPort: 2, clientHop: other, serverHop: other, events: [] });
    fw.push({ id: 3, clientPort: 3, clientHop: late, serverHop: late, events: [] });
    const mx = new RecordStore<ReceiverRecord>();
    const deferred = (id: string, at: number): CollectItem => ({
      m: plan(id),
      report: { kind: 'mta', report: mta({ outcome: 'deferred', reason: 'tls-not-offered', at }) },
      stations: [{ kind: 'hop', node: 'fw', records: fw, firewall: true }, { kind: 'receiver', node: 'mx', records: mx }],
      settleMs: 0,
    });
    const [x, y] = await collectSessions([deferred('later', late[late.length - 1].t), deferred('sooner', early[early.length - 1].t)]);
    expect(x.hops[0].entries).toBe(late);
    expect(y.hops[0].entries).toBe(early);
  });

  it('the local runtime delivers a cell’s messages at once and each session holds its own message on every hop', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const result = await runScenario({
      source: `name: many at once
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com }
  fw: { role: firewall, device: asa 9.12(4), forwards-to: esa }
  partner: { role: sender, via: fw }
messages:
${ids.map((id) => `  - { id: ${id}, from: partner, to: esa }`).join('\n')}
`,
    });
    const sessions = result.scenarios[0].cells[0].sessions;
    expect(sessions.map((x) => x.message)).toEqual(ids);
    for (const x of sessions) {
      expect(x.outcome).toBe('delivered');
      expect(x.hops.map((h) => messagesIn(h.entries))).toEqual([[x.message], [x.message]]);
    }
    // concurrent: the sessions overlap in time
    const spans = sessions.map((x) => [x.hops[0].entries[0].t, x.hops[0].entries[x.hops[0].entries.length - 1].t]);
    expect(spans.some(([a0, a1], i) => spans.some(([b0], j) => j !== i && b0 > a0 && b0 < a1))).toBe(true);
  });
});
