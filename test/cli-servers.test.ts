import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { mxlab } from './helpers/cli.js';
import { servedAfterEach } from './helpers/serve.js';

const serve = servedAfterEach();

/** A raw client that writes each command and reads until a complete reply arrives. */
async function session(port: number, commands: (string | Buffer[])[]): Promise<string[]> {
  const sock = net.connect(port, '127.0.0.1');
  let buf = '';
  const replies: string[] = [];
  let wake = () => {};
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    wake();
  });
  const reply = async () => {
    for (;;) {
      const m = /(?:^|\n)(\d{3}) [^\n]*\n/.exec(buf);
      if (m) {
        const end = m.index + m[0].length;
        replies.push(buf.slice(0, end).trimEnd());
        buf = buf.slice(end);
        return;
      }
      await new Promise<void>((r) => (wake = r));
    }
  };
  await reply();
  for (const c of commands) {
    if (typeof c === 'string') sock.write(c + '\r\n');
    else for (const seg of c) await new Promise<void>((r) => sock.write(seg, () => setTimeout(r, 20)));
    await reply();
  }
  sock.destroy();
  return replies;
}

describe('mxlab receiver and mxlab proxy as standalone servers', () => {
  it('an asyncos receiver behind an ASA proxy: masked banner and EHLO, STARTTLS and a byte-by-byte HELO arrive as X', async () => {
    const rcv = serve(['receiver', '--persona', 'asyncos', '--size', '14680064', '--listen', '127.0.0.1:0', '--json']);
    const ready = await rcv.line((l) => l.type === 'ready');
    const px = serve(['proxy', '--device', 'asa 9.12(4)', '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${ready.port}`, '--json']);
    const pready = await px.line((l) => l.type === 'ready');
    const bytes = [...Buffer.from('HELO a\r\n')].map((b) => Buffer.from([b]));
    const replies = await session(pready.port as number, ['EHLO partner.example', 'STARTTLS', bytes, 'QUIT']);
    expect(replies[0]).toBe('220 *********************');
    expect(replies[1].split('\r\n')).toEqual(['250-esa.example.com', '250-8BITMIME', '250-SIZE 14680064', '250 XXXXXXXA']);
    expect(replies[2]).toBe('500 #5.5.1 command not recognized');
    expect(replies[3]).toBe('500 #5.5.1 command not recognized');
    const conn = await rcv.line((l) => l.type === 'connection');
    expect((conn.view as { commands: string[] }).commands).toEqual(['EHLO partner.example', 'XXXXXXXX', 'XXXXXX', 'QUIT']);
    const fconn = await px.line((l) => l.type === 'connection');
    expect((fconn.events as unknown[]).length).toBeGreaterThan(0);
    expect(px.lines.some((l) => l.type === 'event' && l.rule === 'mask-ehlo-parameter')).toBe(true);
    expect(await px.stop()).toBe(130); // stopped by Ctrl-C
    expect(await rcv.stop()).toBe(130);
  });

  it('rejects bad usage with exit 2 and a clear message', async () => {
    const r = await mxlab(['proxy', '--device', 'asa 9.12(4)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--upstream HOST:PORT is required');
    const d = await mxlab(['proxy', '--device', 'cisco 1.0', '--upstream', '127.0.0.1:1']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/^--device "cisco 1.0": /);
    const p = await mxlab(['receiver', '--persona', 'exim']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--persona must be one of asyncos, postfix, sendmail, exchange, generic, got "exim"');
  });

  it('mxlab devices lists the catalogue and explains one version', async () => {
    const all = await mxlab(['devices']);
    expect(all.code).toBe(0);
    for (const d of ['pix 6.3(5)', 'pix 7.2(2)', 'asa 9.12(4)', 'isp-stripper', 'zorp']) expect(all.stdout).toContain(d);
    const one = await mxlab(['devices', 'pix 7.2(2)']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('duplicate-header-bug');
    // only the knobs that change this device's rules, found by trying their values
    expect(one.stdout).toContain('duplicate-header-action = reset (default)   (reset | close)');
    expect(one.stdout).toContain('vrfy = mask (default)');
    expect(one.stdout).not.toContain('isp-banner');
    expect(one.stdout).not.toContain('split-eod-drop');
    const mailguard = await mxlab(['devices', 'pix 6.3(5)']);
    expect(mailguard.stdout).toContain('split-eod-drop = off (default)   (on | off)');
    expect(mailguard.stdout).toContain('banner-space = keep (default)');
    expect(mailguard.stdout).not.toContain('vrfy');
    expect((await mxlab(['devices', 'zorp'])).stdout).toContain('No knob changes what this device does.');
    const bad = await mxlab(['devices', 'asa 99']);
    expect(bad.code).toBe(2);
  });
});
