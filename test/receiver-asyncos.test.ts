import { afterEach, expect, it } from 'vitest';
import { receiver, Wire } from './receiver-helpers.js';

const open: Array<{ stop(): Promise<void> } | Wire> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await ('stop' in x ? x.stop() : x.close());
});

async function esa(o: Partial<Parameters<typeof receiver>[0]> = {}) {
  const r = await receiver({ persona: 'asyncos', ...o });
  open.push(r);
  const w = await Wire.connect(r.port);
  open.push(w);
  expect(await w.reply()).toEqual(['220 esa.example.com ESMTP']);
  return { r, w };
}

it('answers five bad commands with 500, the sixth with the 421 limit text, then closes', async () => {
  const { r, w } = await esa();
  await w.cmd('EHLO partner.example');
  for (let i = 0; i < 5; i++) expect(await w.cmd('XXXXXXXX')).toEqual(['500 #5.5.1 command not recognized']);
  expect(await w.cmd('XXXXXXXX')).toEqual(['421 Exceeded bad SMTP command limit, disconnecting.']);
  await w.closedByServer();
  expect(w.rest()).toBe('');
  expect(r.connections[0].view().commands.filter((c) => c === 'XXXXXXXX')).toHaveLength(6);
});

it('honours badCommandLimit and does not count good commands', async () => {
  const { w } = await esa({ badCommandLimit: 1 });
  expect(await w.cmd('XXXX')).toEqual(['500 #5.5.1 command not recognized']);
  expect(await w.cmd('NOOP')).toEqual(['250 ok']);
  expect(await w.cmd('XXXX')).toEqual(['421 Exceeded bad SMTP command limit, disconnecting.']);
  await w.closedByServer();
});

it('treats STARTTLS as unknown when the listener has TLS off (the seed reply)', async () => {
  const { w } = await esa({ tls: 'off', size: 14680064 });
  expect(await w.cmd('EHLO partner.example')).toEqual(['250-esa.example.com', '250-8BITMIME', '250 SIZE 14680064']);
  expect(await w.cmd('STARTTLS')).toEqual(['500 #5.5.1 command not recognized']);
});

it('speaks the AsyncOS texts through a whole transaction, numbering messages across connections', async () => {
  const { r, w } = await esa();
  expect(await w.cmd('HELO partner.example')).toEqual(['250 esa.example.com']);
  expect(await w.cmd('HELP')).toEqual([
    '214-The following commands are recognized',
    '214- auth data ehlo helo',
    '214- help mail noop quit',
    '214 rcpt rset vrfy',
  ]);
  for (const n of [1, 2]) {
    expect(await w.cmd('MAIL FROM:<a@partner.example>')).toEqual(['250 sender <a@partner.example> ok']);
    expect(await w.cmd('RCPT TO:<b@example.com>')).toEqual(['250 recipient <b@example.com> ok']);
    expect(await w.cmd('DATA')).toEqual(['354 go ahead']);
    expect(await w.cmd('Subject: m\r\n\r\nbody\r\n.')).toEqual([`250 ok:  Message ${n} accepted`]);
  }
  const w2 = await Wire.connect(r.port);
  open.push(w2);
  await w2.reply();
  await w2.cmd('EHLO partner.example');
  await w2.cmd('MAIL FROM:<>');
  await w2.cmd('RCPT TO:<b@example.com>');
  await w2.cmd('DATA');
  expect(await w2.cmd('x\r\n.')).toEqual(['250 ok:  Message 3 accepted']);
  expect(await w.cmd('QUIT')).toEqual(['221 esa.example.com']);
  await w.closedByServer();
});

it('with tls: required refuses HELO, RSET, HELP, VRFY and DATA before STARTTLS; unknown stays 500', async () => {
  const { w } = await esa({ tls: 'required' });
  for (const c of ['HELO partner.example', 'RSET', 'HELP', 'VRFY postmaster', 'DATA']) {
    expect(await w.cmd(c)).toEqual(['530 #5.7.0 Must issue a STARTTLS command first']);
  }
  expect(await w.cmd('XXXXXXXX')).toEqual(['500 #5.5.1 command not recognized']);
  expect(await w.cmd('QUIT')).toEqual(['221 esa.example.com']);
});

it('enforces SIZE: MAIL SIZE= over the limit and a message over the limit get 552, the session goes on', async () => {
  const { r, w } = await esa({ size: 1000 });
  expect(await w.cmd('EHLO partner.example')).toContain('250-SIZE 1000');
  expect(await w.cmd('MAIL FROM:<a@partner.example> SIZE=5000')).toEqual(['552 #5.3.4 message size limit exceeded']);
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  await w.cmd('DATA');
  const big = `Subject: big\r\n\r\n${'y'.repeat(76)}\r\n`.repeat(200);
  expect(await w.cmd(`${big}.`)).toEqual(['552 #5.3.4 message size limit exceeded']);
  expect(await w.cmd('NOOP')).toEqual(['250 ok']);
  expect(r.connections[0].view().accepted).toBe(false);
});
