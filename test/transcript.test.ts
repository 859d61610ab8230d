import { describe, expect, it } from 'vitest';
import { nextLfDot } from '../src/smtp/lf-dot.js';
import { TranscriptRecorder } from '../src/smtp/transcript.js';
import { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';

const clock = { now: () => 0 };
const texts = (r: TranscriptRecorder) => r.entries.map((e) => `${e.dir} ${e.text}`);

function session(body: string): { c2s: string[]; s2c: string[] } {
  return {
    c2s: ['MAIL FROM:<a@b>\r\n', 'RCPT TO:<c@d>\r\n', 'DATA\r\n', `Subject: x\r\nFrom: a@b\r\n\r\n${body}.\r\n`, 'QUIT\r\n'],
    s2c: ['250 ok\r\n', '250 ok\r\n', '354 go ahead\r\n', '250 accepted\r\n', '221 bye\r\n'],
  };
}

/** Feeds a session with the client's message cut into chunks of `size` bytes. */
function record(body: string, size: number): string[] {
  const r = new TranscriptRecorder(clock);
  const s = session(body);
  s.c2s.forEach((c, i) => {
    const buf = Buffer.from(c, 'latin1');
    for (let p = 0; p < buf.length; p += size) r.push('c2s', buf.subarray(p, p + size));
    r.push('s2c', Buffer.from(s.s2c[i]));
  });
  r.end();
  return texts(r);
}

describe('TranscriptRecorder', () => {
  const body = 'line one\r\n..dot-stuffed\r\n.\r\nnot the end: a dot line needs CRLF before it? it is one\r\n' + 'x'.repeat(300) + '\r\n\r\nlast\r\n';

  it('keeps headers, summarises the body and finds the end of data at any chunking', () => {
    const whole = record(body.replace('.\r\nnot', '.x\r\nnot'), 1 << 20);
    expect(whole).toContain('c2s Subject: x');
    expect(whole.filter((l) => l.includes('x'.repeat(300)))).toEqual([]);
    expect(whole).toContain('c2s <message: 421 bytes>');
    expect(whole.slice(-4)).toEqual(['c2s .', 's2c 250 accepted', 'c2s QUIT', 's2c 221 bye']);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(record(body.replace('.\r\nnot', '.x\r\nnot'), size)).toEqual(whole);
  });

  it('a lone dot line ends the message even when split across chunks', () => {
    for (const size of [1, 2, 3, 4, 1000]) {
      const out = record('a\r\n', size);
      expect(out).toContain('c2s .');
      expect(out).toContain('c2s <message: 28 bytes>');
      expect(out.at(-2)).toBe('c2s QUIT');
    }
  });

  it('counts a 50 MB body without storing it', () => {
    const r = new TranscriptRecorder(clock);
    r.push('c2s', Buffer.from('DATA\r\n'));
    r.push('s2c', Buffer.from('354 go\r\n'));
    r.push('c2s', Buffer.from('Subject: big\r\n\r\n'));
    const chunk = Buffer.from(('y'.repeat(76) + '\r\n').repeat(840)); // ~65 KB
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 770; i++) r.push('c2s', chunk);
    r.push('c2s', Buffer.from('.\r\n'));
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 1024 * 1024);
    expect(texts(r).at(-2)).toBe(`c2s <message: ${16 + 770 * 840 * 78} bytes>`);
  });

  it('cuts megabyte lines outside DATA and marks their size', () => {
    const r = new TranscriptRecorder(clock);
    r.push('c2s', Buffer.from('A'.repeat(1 << 20) + '\r\n'));
    expect(r.entries[0].text).toMatch(/^A{1000}… <1048576 bytes>$/);
  });
});

describe('TranscriptRecorder.mirror', () => {
  it('a second recorder that mirrors the first one’s body chunks ends with the same transcript', () => {
    const a = new TranscriptRecorder(clock);
    const b = new TranscriptRecorder(clock);
    const msg = Buffer.from('DATA\r\n');
    for (const r of [a, b]) {
      r.push('c2s', msg);
      r.push('s2c', Buffer.from('354 go\r\n'));
      r.push('c2s', Buffer.from('Subject: m\r\n\r\n'));
    }
    const body = Buffer.from('line\r\n'.repeat(1000) + '.\r\nQUIT\r\n');
    let mirrored = 0;
    for (let p = 0; p < body.length; p += 997) {
      const chunk = body.subarray(p, p + 997);
      if (b.mirror(a.push('c2s', chunk))) mirrored++;
      else b.push('c2s', chunk);
    }
    expect(mirrored).toBeGreaterThan(3);
    expect(texts(b)).toEqual(texts(a));
    expect(texts(a)).toContain('c2s <message: 6014 bytes>');
    expect(texts(a).at(-1)).toBe('c2s QUIT');
    // a recorder elsewhere in the stream refuses the chunk
    expect(new TranscriptRecorder(clock).mirror({ tailBefore: 0, tailAfter: 0, bytes: 5 })).toBe(false);
  });
});

describe('nextLfDot', () => {
  /** every `\n.` offset, the plain way */
  const naive = (b: Buffer, from: number) => {
    for (let i = from; i + 1 < b.length; i++) if (b[i] === 0x0a && b[i + 1] === 0x2e) return i;
    return -1;
  };

  it('finds the LF of the next LF-dot pair, from any offset, and -1 without one', () => {
    const b = Buffer.from('a.b\n.c\r\n..\r\nno dot here\n.\r\n', 'latin1');
    for (let from = 0; from <= b.length; from++) expect(nextLfDot(b, from)).toBe(naive(b, from));
    expect(nextLfDot(Buffer.from('AAAA\r\nBBBB\r\n'))).toBe(-1);
    expect(nextLfDot(Buffer.from('.\r\n'))).toBe(-1); // a dot at offset 0 has no LF before it here
    expect(nextLfDot(Buffer.from('\n.'))).toBe(0);
  });

  it('agrees with a byte-by-byte search on random text full of dots and LFs', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 200; n++) {
      const b = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => '.\n\rab'[Math.floor(rnd() * 5)]).join(''), 'latin1');
      const from = Math.floor(rnd() * b.length);
      expect(nextLfDot(b, from)).toBe(naive(b, from));
    }
  });
});

describe('TranscriptRecorder.pushBody', () => {
  it('records what push records when the firewall engine marks a chunk as body without its end (as the proxy does)', () => {
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const info = { id: 1, node: 'fw', clientAddress: '127.0.0.1', clientPort: 1, serverAddress: '127.0.0.1', serverPort: 2, syslogPrefix: 'x' };
    let hinted = 0;
    for (let n = 0; n < 60; n++) {
      const lines = Array.from({ length: 5 + Math.floor(rnd() * 60) }, () => ['..stuffed', '.x', 'a.', 'text.', '', 'A'.repeat(1 + Math.floor(rnd() * 90))][Math.floor(rnd() * 6)]);
      const s = session(lines.map((l) => `${l}\r\n`).join(''));
      const plain = new TranscriptRecorder(clock);
      const hintedRec = new TranscriptRecorder(clock);
      const engine = new ConnectionEngine(info, [], clock);
      const both = (dir: 'c2s' | 's2c', buf: Buffer) => {
        const out = engine.process(dir === 'c2s' ? 'client' : 'server', buf);
        plain.push(dir, buf);
        if (dir === 'c2s' && out.body) {
          hintedRec.pushBody(buf);
          hinted++;
        } else hintedRec.push(dir, buf);
      };
      both('s2c', Buffer.from('220 hi\r\n'));
      s.c2s.forEach((c, i) => {
        const buf = Buffer.from(c, 'latin1');
        for (let p = 0; p < buf.length; ) {
          const size = 1 + Math.floor(rnd() * 40);
          both('c2s', buf.subarray(p, p + size));
          p += size;
        }
        both('s2c', Buffer.from(s.s2c[i]!));
      });
      plain.end();
      hintedRec.end();
      expect(texts(hintedRec)).toEqual(texts(plain));
    }
    expect(hinted).toBeGreaterThan(100);
  });
});
