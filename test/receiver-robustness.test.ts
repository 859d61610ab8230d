import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, expect, it } from 'vitest';
import { ReceiverError, type StartedReceiver } from '../src/actors/receiver/index.js';
import { receiver, testCerts, Wire } from './receiver-helpers.js';

const open: Array<{ stop(): Promise<void> } | Wire> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await ('stop' in x ? x.stop() : x.close());
});

async function esa(o: Partial<Parameters<typeof receiver>[0]> = {}): Promise<{ r: StartedReceiver; w: Wire }> {
  const r = await receiver({ persona: 'asyncos', ...o });
  open.push(r);
  const w = await Wire.connect(r.port);
  open.push(w);
  await w.reply();
  return { r, w };
}

/** The receiver still serves a fresh session: nothing crashed, nothing hangs. */
async function stillServes(r: StartedReceiver): Promise<void> {
  const w = await Wire.connect(r.port);
  open.push(w);
  expect(await w.reply()).toEqual(['220 esa.example.com ESMTP']);
  expect(await w.cmd('NOOP')).toEqual(['250 ok']);
}

it('closes cleanly on a 1 MB line without CRLF', async () => {
  const { r, w } = await esa();
  w.write(Buffer.alloc(1024 * 1024, 0x41));
  await w.closedByServer();
  expect(w.rest()).toBe('421 Line too long, disconnecting.\r\n');
  await stillServes(r);
});

it('answers NUL bytes, binary garbage and bare LF lines without crashing', async () => {
  const { r, w } = await esa();
  expect(await w.cmd('\0\0\0\0')).toEqual(['500 #5.5.1 command not recognized']);
  w.write(Buffer.from([0xff, 0xfe, 0x80, 0x0d, 0x0a]));
  expect(await w.reply()).toEqual(['500 #5.5.1 command not recognized']);
  w.write('NOOP\n');
  expect(await w.reply()).toEqual(['250 ok']);
  w.write('EHLO bare.example\n');
  expect((await w.reply()).at(-1)).toBe('250 STARTTLS');
  expect(r.connections[0].view().commands).toEqual(['\0\0\0\0', '\xff\xfe\x80', 'NOOP', 'EHLO bare.example']);
  await stillServes(r);
});

it('never echoes control characters that would split a reply (sendmail echoes the command)', async () => {
  const r = await receiver({ persona: 'sendmail' });
  open.push(r);
  const w = await Wire.connect(r.port);
  open.push(w);
  await w.reply();
  expect(await w.cmd('XX\rYY\0')).toEqual(['500 5.5.1 Command unrecognized: "XX YY "']);
  expect(await w.cmd(`Z${'q'.repeat(300)}`)).toEqual([`500 5.5.1 Command unrecognized: "Z${'q'.repeat(99)}...${'q'.repeat(100)}"`]);
});

it('survives a client reset in the middle of DATA and one during the TLS handshake', async () => {
  const { r, w } = await esa();
  await w.cmd('EHLO partner.example');
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  await w.cmd('DATA');
  w.write('Subject: half\r\n\r\npartial');
  w.socket.resetAndDestroy();
  await r.connections[0].closed;
  expect(r.connections[0].view().accepted).toBe(false);

  const w2 = await Wire.connect(r.port);
  open.push(w2);
  await w2.reply();
  await w2.cmd('EHLO partner.example');
  expect(await w2.cmd('STARTTLS')).toEqual(['220 Go ahead with TLS']);
  w2.write(Buffer.from('16030100050100000100', 'hex')); // a truncated ClientHello
  w2.socket.resetAndDestroy();
  await r.connections[1].closed;
  await stillServes(r);
});

it('closes an idle client after idleTimeoutMs with a 421', async () => {
  const { w } = await esa({ idleTimeoutMs: 150 });
  expect(await w.reply(3000)).toEqual(['421 Timeout waiting for client input']);
  await w.closedByServer();
});

it('stop() closes connected clients, frees the port and is idempotent', async () => {
  const { r, w } = await esa();
  const port = r.port;
  await Promise.all([r.stop(), r.stop()]);
  await w.closedByServer();
  await r.connections[0].closed;
  const again = net.createServer();
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.listen(port, '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => again.close(() => resolve()));
  await r.stop();
});

it('stop() also ends a session waiting in the middle of a STARTTLS handshake', async () => {
  const { r, w } = await esa();
  await w.cmd('EHLO partner.example');
  expect(await w.cmd('STARTTLS')).toEqual(['220 Go ahead with TLS']);
  w.write(Buffer.from('160301', 'hex')); // the first bytes of a TLS record, then silence
  await r.stop();
  await w.closedByServer();
  await r.connections[0].closed;
});

it('answers pipelined commands in order (PIPELINING)', async () => {
  const r = await receiver({ persona: 'postfix' });
  open.push(r);
  const w = await Wire.connect(r.port);
  open.push(w);
  await w.reply();
  w.write('EHLO p.example\r\nMAIL FROM:<a@p.example>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n');
  expect((await w.reply()).at(-1)).toBe('250 CHUNKING');
  expect(await w.reply()).toEqual(['250 2.1.0 Ok']);
  expect(await w.reply()).toEqual(['250 2.1.5 Ok']);
  expect(await w.reply()).toEqual(['250 2.1.5 Ok']);
  expect(await w.reply()).toEqual(['354 End data with <CR><LF>.<CR><LF>']);
  w.write('Subject: p\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n');
  expect((await w.reply())[0]).toMatch(/^250 2\.0\.0 Ok: queued as /);
  expect(await w.reply()).toEqual(['221 2.0.0 Bye']);
  await w.closedByServer();
});

it('fails to start on a taken port with E_LISTEN and a hint', async () => {
  const r = await receiver({ persona: 'postfix' });
  open.push(r);
  const err = await receiver({ persona: 'postfix', port: r.port }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ReceiverError);
  expect(err).toMatchObject({ code: 'E_LISTEN' });
  expect((err as Error).message).toMatch(/^Failed to start receiver esa: 127\.0\.0\.1:\d+ is in use \(EADDRINUSE\)\.$/);
  expect((err as ReceiverError).hint).toMatch(/^Did you forget to stop another server on port \d+, or mean port 0/);
});

it('finds connections by client port and records the hop in order', async () => {
  const { r, w } = await esa();
  await w.cmd('EHLO partner.example');
  const c = r.byRemotePort(w.socket.localPort!);
  expect(c?.id).toBe(1);
  expect(r.byRemotePort(1)).toBeUndefined();
  expect(c!.recorder.entries.map((e) => `${e.dir} ${e.text}`)).toEqual([
    's2c 220 esa.example.com ESMTP',
    'c2s EHLO partner.example',
    's2c 250-esa.example.com',
    's2c 250-8BITMIME',
    's2c 250-SIZE 10485760',
    's2c 250 STARTTLS',
  ]);
});

it('forgets a STARTTLS session once it closed (a long-running receiver keeps nothing per session)', async () => {
  // STARTTLS strips the plain socket's listeners; a 'close' listener the receiver relied on went with
  // them and every TLS session stayed reachable for good (~17 KB each: 443 MB after 20 000 in bench 5)
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const recorders: WeakRef<object>[] = [];
  const closed: Promise<void>[] = [];
  const r = await receiver({ persona: 'asyncos', keepClosed: 0, onConnection: (c) => (recorders.push(new WeakRef(c.recorder)), closed.push(c.closed)) });
  open.push(r);
  const ca = (await testCerts()).ca;
  for (let i = 0; i < 5; i++) {
    const w = await Wire.connect(r.port);
    open.push(w);
    await w.reply();
    await w.cmd('EHLO partner.example');
    expect(await w.cmd('STARTTLS')).toEqual(['220 Go ahead with TLS']);
    await w.upgrade(ca);
    await w.cmd('EHLO partner.example');
    await w.cmd('QUIT');
    await w.closedByServer();
  }
  await Promise.all(closed);
  expect(r.connections).toHaveLength(0);
  // the connections' objects are gone after a few collections (a timer may hold one for a tick)
  for (let i = 0; i < 20 && recorders.some((x) => x.deref()); i++) {
    await new Promise((res) => setTimeout(res, 20));
    gc();
  }
  expect(recorders.filter((x) => x.deref()).length).toBe(0);
  await stillServes(r);
});

it('the idle timeout counts real silence: a command that arrived while the process stalled past it is answered, then silence still ends the session', async () => {
  const { w } = await esa({ idleTimeoutMs: 1000 });
  w.write('HELO partner.example\r\n');
  // the whole process stalls 1.5 s right after the command left: when the loop runs again smtp-server's
  // 1 s idle timer is due before its read of the HELO (Node runs timers first)
  const t0 = Date.now();
  while (Date.now() - t0 < 1500);
  expect((await w.reply())[0]).toMatch(/^250 /);
  // and the timeout is armed again: a client that then says nothing gets the 421 and the close
  expect((await w.reply(5000))[0]).toMatch(/^421 /);
  await w.closedByServer(5000);
});
