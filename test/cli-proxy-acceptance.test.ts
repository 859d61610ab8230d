import { afterEach, describe, expect, it } from 'vitest';
import { EXCHANGE_PGT, SENDMAIL_UF13, publishedServer, type Published, type PublishedServer } from './helpers/published-server.js';
import { Served } from './helpers/serve.js';
import { Wire } from './receiver-helpers.js';

// Issue 3 acceptance, end to end: `node bin/mxlab.js proxy …` (run `npm run build` first) in front
// of servers that send the published EHLO lists byte for byte, and in front of `mxlab receiver`.

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

function serve(args: string[]): Served {
  const s = Served.start(args);
  cleanup.push(() => s.stop());
  return s;
}

async function proxy(device: string, upstreamPort: number): Promise<{ px: Served; port: number }> {
  const px = serve(['proxy', '--device', device, '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${upstreamPort}`, '--json']);
  const ready = await px.line((l) => l.type === 'ready');
  return { px, port: ready.port as number };
}

async function client(port: number): Promise<Wire> {
  const w = await Wire.connect(port);
  w.socket.setNoDelay(true);
  cleanup.push(() => w.close());
  return w;
}

async function published(p: Published): Promise<PublishedServer> {
  const srv = await publishedServer(p);
  cleanup.push(() => srv.close());
  return srv;
}

/** Sends `text` one byte per TCP segment: each byte is written only once the server has it. */
async function typeBytewise(w: Wire, srv: PublishedServer, text: string): Promise<void> {
  let have = srv.text().length;
  for (const b of Buffer.from(text, 'latin1')) {
    w.write(Buffer.from([b]));
    await srv.received(++have);
  }
}

/** The published servers and the client-side EHLO replies through an ASA 9.x (OBSERVED, docs/devices.md, the default map). */
const MASKED: [string, Published, string[]][] = [
  ['sendmail [UF13]', SENDMAIL_UF13, SENDMAIL_UF13.masked],
  ['Exchange 2003 [PGT]', EXCHANGE_PGT, EXCHANGE_PGT.masked],
];

describe('mxlab proxy --device "asa 9.12(4)" in front of published servers', () => {
  for (const [name, pub, masked] of MASKED) {
    it(`${name}: masked EHLO reply exactly as published, 220 **** banner, STARTTLS → XXXXXXXX, HELO a per byte → XXXXXX`, async () => {
      const srv = await published(pub);
      const { px, port } = await proxy('asa 9.12(4)', srv.port);
      const w = await client(port);
      expect(await w.reply()).toEqual([`220 ${'*'.repeat(pub.banner.length - 4)}`]);
      expect(await w.cmd('EHLO client.example')).toEqual(masked);
      expect(await w.cmd('STARTTLS')).toEqual([pub.unknown('XXXXXXXX')]);
      await typeBytewise(w, srv, 'HELO a\r\n');
      expect(await w.reply()).toEqual([pub.unknown('XXXXXX')]);
      expect(await w.cmd('QUIT')).toEqual(['221 2.0.0 closing connection']);
      expect(srv.lines()).toEqual(['EHLO client.example', 'XXXXXXXX', 'XXXXXX', 'QUIT']);
      const conn = await px.line((l) => l.type === 'connection');
      const rules = (conn.events as { rule: string }[]).map((e) => e.rule);
      expect(rules.slice(0, 3)).toEqual(['mask-banner', 'mask-ehlo-parameter', 'mask-command']);
      expect(rules.filter((r) => r === 'mask-command').length).toBe(1 + 'HELO a'.length); // STARTTLS, then one per byte of HELO a (CR, LF pass)
    });
  }

  for (const persona of ['sendmail', 'exchange'] as const) {
    it(`mxlab receiver --persona ${persona} --tls off behind the proxy: same masking, the persona's own 500`, async () => {
      const rcv = serve(['receiver', '--persona', persona, '--tls', 'off', '--hostname', 'mail.example.net', '--listen', '127.0.0.1:0', '--json']);
      const ready = await rcv.line((l) => l.type === 'ready');
      const { port } = await proxy('asa 9.12(4)', ready.port as number);
      const w = await client(port);
      const banner = (await w.reply())[0];
      const ehlo = await w.cmd('EHLO client.example');
      const expected = MASKED[persona === 'sendmail' ? 0 : 1][2];
      expect(ehlo.slice(-2)).toEqual(expected.slice(-2));
      if (persona === 'exchange') expect(ehlo.slice(1)).toEqual(expected.slice(1));
      else expect(ehlo.filter((l) => /X/.test(l))).toEqual(['250-XXXXXXXXA', '250 XXXB']);
      const unknown = persona === 'sendmail' ? '500 5.5.1 Command unrecognized: "XXXXXXXX"' : '500 5.3.3 Unrecognized command';
      expect(await w.cmd('STARTTLS')).toEqual([unknown]);
      expect(await w.cmd('QUIT')).toHaveLength(1);
      const conn = await rcv.line((l) => l.type === 'connection');
      const sent = (conn.transcript as { dir: string; text: string }[]).find((e) => e.dir === 's2c')!.text;
      expect(banner).toBe(`220 ${'*'.repeat(sent.length - 4)}`);
      expect((conn.view as { commands: string[] }).commands).toEqual(['EHLO client.example', 'XXXXXXXX', 'QUIT']);
    });
  }
});

describe('mxlab proxy --device "pix 6.3(5)" (Mailguard)', () => {
  for (const [name, pub] of [['sendmail', SENDMAIL_UF13], ['Exchange 2003', EXCHANGE_PGT]] as const) {
    it(`${name}: banner keeps only 2, 0 and the space after the code, EHLO never reaches the server as EHLO, HELO passes`, async () => {
      const srv = await published(pub);
      const { px, port } = await proxy('pix 6.3(5)', srv.port);
      const w = await client(port);
      expect(await w.reply()).toEqual([pub.banner.slice(0, 4) + pub.banner.slice(4).replace(/[^20]/g, '*')]);
      expect(await w.cmd('EHLO client.example')).toEqual([pub.unknown('X'.repeat('EHLO client.example'.length))]);
      expect(await w.cmd('ehlo lower.example')).toEqual([pub.unknown('X'.repeat('ehlo lower.example'.length))]);
      await typeBytewise(w, srv, 'EHLO x\r\n');
      expect(await w.reply()).toEqual([pub.unknown('XXXXXX')]);
      w.write('EHLO pipelined.example\r\nNOOP\r\n');
      expect(await w.reply()).toEqual([pub.unknown('X'.repeat('EHLO pipelined.example'.length))]);
      expect(await w.reply()).toEqual(['250 2.0.0 OK']);
      expect(await w.cmd('HELO client.example')).toEqual([pub.ehlo[0].replace('250-', '250 ')]);
      expect(srv.lines().filter((l) => /^\s*e\s*h\s*l\s*o/i.test(l))).toEqual([]);
      expect(srv.lines().at(-1)).toBe('HELO client.example');
      w.close();
      const conn = await px.line((l) => l.type === 'connection');
      expect((conn.events as { rule: string }[]).map((e) => e.rule)).toContain('mailguard-noop');
    });
  }
});
