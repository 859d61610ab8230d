import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { engine, errors, map, send, toData } from './helpers/engine.js';
import { firewallBehind } from './helpers/raw-server.js';

const EXE = ['regex exe "^application/x-ms"'];

describe('match [not] mime filetype regex', () => {
  it('the Content-Type of the message header: a matching type drops the connection, others pass', () => {
    const cfg = map([' match mime filetype regex exe', '  drop-connection log'], EXE);
    const ok = engine(cfg);
    toData(ok);
    expect(send(ok, 'From: a@x\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nhi\r\n.\r\n').terminate).toBeUndefined();
    const bad = engine(cfg);
    toData(bad);
    const out = send(bad, 'From: a@x\r\nContent-Type: application/x-msdownload\r\n');
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0]).toMatchObject({ rule: 'match-mime-filetype-regex', action: 'drop-connection' });
    expect(out.events[0].log).toBe(
      'mxlab-fw fw conn 1: match-mime-filetype-regex: match mime filetype regex exe: drop-connection log; MIME type application/x-msdownload; from outside:192.0.2.1/40000 to inside:10.0.0.25/25',
    );
  });

  it('MIME part headers inside the body (the bulk body path) are inspected too', () => {
    const e = engine(map([' match mime filetype regex exe', '  reset log'], EXE));
    toData(e);
    expect(send(e, 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n').terminate).toBeUndefined();
    const text = `--b\r\nContent-Type: text/plain\r\n\r\n${'hello world\r\n'.repeat(200)}`;
    expect(send(e, text).terminate).toBeUndefined();
    const out = send(e, '--b\r\ncontent-type:application/x-msdos-program; name="a.exe"\r\n\r\nTVqQ\r\n');
    expect(out.terminate).toBe('reset');
    expect(out.events[0].log).toContain('MIME type application/x-msdos-program');
  });

  it('the body of a message without MIME structure holds no MIME header: a Content-Type line there is text', () => {
    for (const type of ['text/plain', 'application/octet-stream']) {
      const e = engine(map([' match mime filetype regex exe', '  drop-connection'], EXE));
      toData(e);
      expect(send(e, `Content-Type: ${type}\r\n\r\n`).terminate).toBeUndefined();
      expect(send(e, 'Content-Type: application/x-msdownload\r\n'.repeat(3)).terminate).toBeUndefined();
      expect(send(e, `${'A'.repeat(76)}\r\n`.repeat(900)).terminate).toBeUndefined(); // the bulk body path too
      expect(send(e, 'Content-Type: application/x-msdownload\r\n.\r\n').terminate).toBeUndefined();
    }
    // a folded Content-Type (value not on its first line) may be multipart: the body is read
    const f = engine(map([' match mime filetype regex exe', '  drop-connection'], EXE));
    toData(f);
    expect(send(f, 'Content-Type:\r\n multipart/mixed; boundary=b\r\n\r\n').terminate).toBeUndefined();
    expect(send(f, `${'A'.repeat(76)}\r\n`.repeat(900)).terminate).toBeUndefined();
    expect(send(f, '--b\r\nContent-Type: application/x-msdownload\r\n').terminate).toBe('drop-connection');
  });

  it('is case-sensitive like the ASA, and unanchored', () => {
    const e = engine(map([' match mime filetype regex "x-ms"', '  drop-connection']));
    toData(e);
    expect(send(e, 'Content-Type: Application/X-MSDOWNLOAD\r\n').terminate).toBeUndefined();
    expect(send(e, 'Content-Type: application/vnd.x-msfoo\r\n').terminate).toBe('drop-connection');
  });

  it('match not: every other type (an allow-list of types)', () => {
    const e = engine(map([' match not mime filetype regex "^(text|multipart)/"', '  log']));
    toData(e);
    expect(send(e, 'Content-Type: multipart/alternative; boundary=q\r\n\r\n').events).toEqual([]);
    const out = send(e, '--q\r\nContent-Type: image/png\r\n\r\n');
    expect(out.terminate).toBeUndefined();
    expect(out.events.map((x) => [x.rule, x.action])).toEqual([['match-mime-filetype-regex', 'log']]);
    expect(out.events[0].log).toContain('match not mime filetype regex "^(text|multipart)/": log; MIME type image/png');
  });

  it('a Content-Type line split across segments is judged whole, on the segment with its LF', () => {
    for (const [header, body] of [['Content-Type: application/x-msdownload\r\n', ''], ['Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n', 'Content-Type: application/x-msdownload\r\n']]) {
      const e = engine(map([' match mime filetype regex exe', '  drop-connection'], EXE));
      toData(e);
      const line = body || header;
      if (body) expect(send(e, header).terminate).toBeUndefined();
      const bytes = [...line];
      for (const ch of bytes.slice(0, -1)) expect(send(e, ch).terminate).toBeUndefined();
      expect(send(e, bytes.at(-1)!).terminate).toBe('drop-connection');
    }
  });

  it('config: an unknown regex is an error with its line and column; the criterion needs a name', () => {
    expect(errors(map([' match mime filetype regex nosuch', '  log']))).toEqual([
      { line: 2, col: 28, message: 'ERROR: regex nosuch not present', hint: 'define it first: regex nosuch "pattern" (or quote an inline pattern)' },
    ]);
    expect(errors(map([' match mime filetype regex', '  log']))[0]).toMatchObject({ line: 2, col: 27 });
  });
});

describe('mime filetype regex over sockets', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  it('a client sending one byte per segment: the Content-Type line is caught at its LF, the server never gets the LF', async () => {
    const { srv, fw, sock, c } = await firewallBehind(cleanup, 'asa 9.12(4)', map([' match mime filetype regex exe', '  drop-connection log'], EXE));
    await c.reply();
    for (const cmd of ['HELO c.example', 'MAIL FROM:<a@c.example>', 'RCPT TO:<b@esa.example.com>', 'DATA']) {
      c.send(`${cmd}\r\n`);
      await c.reply();
    }
    c.send('Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n');
    while (!srv.text().endsWith('--b\r\n')) await once(srv.ev, 'data');
    const closed = once(sock, 'close');
    const line = 'Content-Type: application/x-msdownload\r\n';
    for (const ch of line.slice(0, -1)) {
      const before = srv.bytes();
      c.send(ch);
      while (srv.bytes() === before) await once(srv.ev, 'data');
    }
    c.send('\n');
    await closed;
    expect(srv.text().endsWith(line.slice(0, -1))).toBe(true);
    await fw.connections[0].closed;
    expect(fw.connections[0].events.map((e) => [e.rule, e.action])).toEqual([['match-mime-filetype-regex', 'drop-connection']]);
  });
});
