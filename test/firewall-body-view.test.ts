/**
 * The bulk body path (issue 3, item 6) against the line-by-line reference: random messages cut
 * into random segments; every piece, cursor, end of data and rule verdict must be the same.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';
import { splitLines, type LineCursor } from '../src/actors/firewall/engine/lines.js';
import { analyzeClient, analyzeServer, initialSmtpState, type SmtpState } from '../src/actors/firewall/engine/smtp-state.js';
import type { Piece, Rule, RuleContext, Segment, Verdict } from '../src/actors/firewall/engine/types.js';
import { instantiate, type RuleSpec } from '../src/actors/firewall/rules/index.js';

const B = (s: string) => Buffer.from(s, 'latin1');
const info = { id: 1, node: 'fw', clientAddress: '192.0.2.1', clientPort: 40000, serverAddress: '10.0.0.25', serverPort: 25, syslogPrefix: '%ASA' };

/** xorshift32: reproducible randomness */
function rng(seed: number) {
  let x = seed || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(a: readonly T[]) => a[Math.floor(next() * a.length)] };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function message(r: ReturnType<typeof rng>): string {
  const eol = () => r.pick(['\r\n', '\r\n', '\r\n', '\n', '\r\r\n']);
  const word = (n: number) => Array.from({ length: n }, () => B64[r.int(64)]).join('');
  // with and without MIME structure: rules about MIME headers read body lines only with it
  const type = r.pick(['Content-Type: multipart/mixed; boundary="b"', 'content-type:MESSAGE/rfc822', 'Content-Type:', 'Content-Type: text/plain', 'X-Type: multipart/mixed']);
  const lines = ['From: <a@example.com>', 'To: <b@example.com>', 'Subject: test', type];
  const out = lines.map((l) => l + eol()).join('') + '\r\n';
  const kinds = [
    () => word(76),
    () => word(76),
    () => word(r.int(3000)),
    () => word(r.pick([997, 998, 999, 1000, 1023, 1024, 1025])),
    () => '',
    () => '.',
    () => '..',
    () => '.x' + word(5),
    () => 'Content-Transfer-Encoding: ' + r.pick(['base64', 'quoted-printable', 'x-uue', '8bit']),
    () => 'content-TRANSFER-encoding :x-foo',
    () => 'Content-Type: ' + r.pick(['text/plain', 'application/x-msdownload; name=a', 'image/png', 'TEXT/HTML']),
    () => `Content-Disposition: attachment; filename="${word(r.int(400))}"`,
    () => `\tname*=${word(r.int(300))}`,
    () => `see name=${word(r.int(300))} here`,
    () => word(70) + '=',
    () => 'a: b: c',
    () => word(r.int(40)) + '\r' + word(r.int(40)),
    () => word(1100) + ' filename=' + word(300),
  ];
  let body = '';
  const n = 20 + r.int(200);
  for (let i = 0; i < n; i++) body += r.pick(kinds)() + eol();
  return out + body;
}

function cuts(r: ReturnType<typeof rng>, text: string): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < text.length; ) {
    const n = r.pick([1, 2, 3, 1 + r.int(100), 1 + r.int(3000), 1 + r.int(20000)]);
    out.push(B(text.slice(i, i + n)));
    i += n;
  }
  return out;
}

/** The client's state after banner, EHLO, MAIL, RCPT, DATA and the 354. */
function inData(): SmtpState {
  let s = initialSmtpState();
  s = analyzeServer(s, B('220 mx\r\n')).next;
  s = analyzeClient(s, B('EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n')).next;
  s = analyzeServer(s, B('250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n')).next;
  expect(s.phase).toBe('data');
  return s;
}

/** The line-by-line reference (the analysis before the bulk path existed), DATA phase only. */
function reference(cur: LineCursor, header: { on: boolean; mime: boolean }, buf: Buffer): { pieces: Piece[]; eod: boolean } {
  const pieces: Piece[] = [];
  let eod = false;
  splitLines(buf, cur, (start, end, complete, continued, linePos, head, lineLen) => {
    if (eod) return;
    if (complete && head === '.' && lineLen === 1) {
      pieces.push({ kind: 'eod', start, end, complete, continued, linePos, head, lineLen });
      eod = true;
      return;
    }
    if (complete && header.on && /^content-type\s*:\s*(?:(?:multipart|message)\/|$)/i.test(head)) header.mime = true;
    pieces.push({ kind: 'data', start, end, complete, continued, linePos, head, lineLen, header: header.on, mime: header.mime });
    if (complete && header.on && lineLen === 0) header.on = false;
  });
  return { pieces, eod };
}

const specs: RuleSpec[] = [
  { name: 'match-body-line-length', options: { gt: 998, action: { kind: 'log', log: true } } },
  { name: 'match-body-line-length', options: { gt: 40, action: { kind: 'log', log: true } } },
  { name: 'match-body-length', options: { gt: 5000, action: { kind: 'log', log: true } } },
  { name: 'match-mime-filename-length', options: { gt: 255, action: { kind: 'log', log: true } } },
  { name: 'match-mime-filename-length', options: { gt: 10, action: { kind: 'log', log: true } } },
  { name: 'match-mime-encoding', options: { encodings: ['others'], action: { kind: 'log', log: true } } },
  { name: 'match-mime-encoding', options: { encodings: ['base64'], not: true, action: { kind: 'log', log: true } } },
  { name: 'match-body-line-length', options: { gt: 40, not: true, action: { kind: 'log', log: true } } },
  { name: 'match-body-line-length', options: { gt: 0, not: true, action: { kind: 'log', log: true } } },
  { name: 'match-body-length', options: { gt: 5000, not: true, action: { kind: 'log', log: true } } },
  { name: 'match-mime-filename-length', options: { gt: 10, not: true, action: { kind: 'log', log: true } } },
  { name: 'match-mime-filetype-regex', options: { name: 'r', patterns: ['^application/', 'png'], action: { kind: 'log', log: true } } },
  { name: 'match-mime-filetype-regex', options: { name: 'r', patterns: ['^text/'], not: true, action: { kind: 'log', log: true } } },
];

describe('bulk body path = line-by-line reference', () => {
  it('pieces, cursors, end of data, BodyView and the body rules over 150 random messages in random segments', () => {
    let bulk = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed * 7919);
      const text = message(r) + r.pick(['.\r\n', '.\n', '.\r\n', '.\r\nQUIT\r\n']);
      let state = inData();
      const cur: LineCursor = { ...state.client };
      const header = { on: true, mime: false };
      const fast = specs.map((s) => instantiate(s));
      const slow = specs.map((s) => instantiate(s));
      const fastSt = fast.map((x) => x.init?.(info));
      const slowSt = slow.map((x) => x.init?.(info));
      const ctx: RuleContext = { conn: info, smtp: state, clock: { now: () => 0 } };
      for (const buf of cuts(r, text)) {
        if (state.phase !== 'data') break;
        const ref = reference(cur, header, buf);
        const a = analyzeClient(state, buf);
        const where = `seed ${seed} at ${JSON.stringify(buf.toString('latin1').slice(0, 30))}`;
        if (!ref.eod) expect(a.pieces, where).toEqual(ref.pieces);
        else expect(a.pieces.slice(0, ref.pieces.length), where).toEqual(ref.pieces);
        expect(a.next.phase, where).toBe(ref.eod ? 'command' : 'data');
        if (!ref.eod) expect(a.next.client, where).toEqual(cur);
        if (a.body) {
          bulk++;
          expect(ref.pieces.every((p) => p.kind === 'data' && !p.header), where).toBe(true);
          const b = a.body;
          for (const p of ref.pieces) for (const i of [p.start, p.end - 1, (p.start + p.end) >> 1]) expect(b.pieceAt(i), where).toEqual(p);
          for (const gt of [0, 1, 40, 76, 77, 997, 998, 999, 1024, 2500]) {
            expect(b.firstLongLine(gt), `${where} gt ${gt}`).toEqual(ref.pieces.find((p) => p.lineLen > gt));
            expect(b.firstLongLine(gt, b.secondLine), `${where} gt ${gt}`).toEqual(ref.pieces.slice(1).find((p) => p.lineLen > gt));
          }
        } else {
          expect(ref.pieces.some((p) => p.kind !== 'data' || p.header) || buf.length === 0 || (state.client.open && state.client.len <= 1), where).toBe(true);
        }
        const withBody: Segment = { direction: 'client', data: buf, pieces: a.pieces, body: a.body };
        const withoutBody: Segment = { direction: 'client', data: buf, pieces: ref.pieces };
        const run = (rules: Rule<unknown>[], st: unknown[], seg: Segment) => rules.map((x, i) => x.onClientSegment!(seg, st[i], ctx)).map((v: Verdict) => v.log ?? v.kind);
        expect(run(fast, fastSt, withBody), where).toEqual(run(slow, slowSt, withoutBody));
        expect(fastSt, where).toEqual(slowSt);
        state = a.next;
      }
      expect(state.phase, `seed ${seed}`).toBe('command');
    }
    expect(bulk).toBeGreaterThan(300);
  });

  it('a body line over 998 octets fires match body line length through the engine, also split across segments', () => {
    const e = new ConnectionEngine(info, [{ name: 'match-body-line-length', options: { gt: 998, action: { kind: 'drop-connection', log: true } } }], { now: () => 0 });
    e.process('server', B('220 mx\r\n'));
    e.process('client', B('HELO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n'));
    e.process('server', B('250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n'));
    e.process('client', B('Subject: x\r\n\r\n'));
    const line = `${'A'.repeat(76)}\r\n`;
    expect(e.process('client', B(line.repeat(800))).terminate).toBeUndefined();
    expect(e.process('client', B(line.repeat(10) + 'B'.repeat(900))).terminate).toBeUndefined();
    const out = e.process('client', B('B'.repeat(99) + '\r\n' + line));
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0].log).toContain('line of 999+ octets');
  });
});
