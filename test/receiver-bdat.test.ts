import { afterEach, expect, it } from 'vitest';
import { receiver, Wire } from './receiver-helpers.js';

const open: Array<{ stop(): Promise<void> } | Wire> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await ('stop' in x ? x.stop() : x.close());
});

async function start(persona: 'postfix' | 'exchange' | 'asyncos', size?: number) {
  const r = await receiver({ persona, ...(size ? { size } : {}) });
  open.push(r);
  const w = await Wire.connect(r.port);
  open.push(w);
  await w.reply();
  await w.cmd('EHLO partner.example');
  return { r, w };
}

it('postfix: takes a message in BDAT chunks, pipelined with the next command in one segment', async () => {
  const { r, w } = await start('postfix');
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  const part1 = 'Subject: chunked\r\nX-A: 1\r\n';
  const part2 = '\r\nbody line with BDAT 5 LAST inside\r\n';
  w.write(`BDAT ${part1.length}\r\n${part1}BDAT ${part2.length} LAST\r\n${part2}NOOP\r\n`);
  expect(await w.reply()).toEqual([`250 2.0.0 Ok: ${part1.length} bytes`]);
  expect((await w.reply())[0]).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-F]{10}$/);
  expect(await w.reply()).toEqual(['250 2.0.0 Ok']);
  expect(r.connections[0].view()).toMatchObject({ accepted: true, headers: ['Subject: chunked', 'X-A: 1'] });
  expect(r.connections[0].view().commands).toEqual([
    'EHLO partner.example', 'MAIL FROM:<a@partner.example>', 'RCPT TO:<b@example.com>',
    `BDAT ${part1.length}`, `BDAT ${part2.length} LAST`, 'NOOP',
  ]);
  const c2s = r.connections[0].recorder.entries.filter((e) => e.dir === 'c2s').map((e) => e.text);
  expect(c2s.slice(-5)).toEqual([
    `BDAT ${part1.length}`, `<BDAT chunk: ${part1.length} bytes>`,
    `BDAT ${part2.length} LAST`, `<BDAT chunk: ${part2.length} bytes>`, 'NOOP',
  ]);
});

it('postfix: a chunk split over many segments, BDAT 0 LAST, and a new transaction afterwards', async () => {
  const { w } = await start('postfix');
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  const body = 'Subject: s\r\n\r\n' + 'z'.repeat(5000) + '\r\n';
  w.write(`BDAT ${body.length}\r\n`);
  for (let i = 0; i < body.length; i += 700) w.write(body.slice(i, i + 700));
  expect(await w.reply()).toEqual([`250 2.0.0 Ok: ${body.length} bytes`]);
  expect((await w.cmd('BDAT 0 LAST'))[0]).toMatch(/^250 2\.0\.0 Ok: queued as/);
  expect(await w.cmd('RCPT TO:<b@example.com>')).toEqual(['503 5.5.1 Error: need MAIL command']);
});

it('postfix: BDAT without MAIL still consumes its octets, bad syntax is refused, size is enforced', async () => {
  const { w } = await start('postfix', 100);
  w.write('BDAT 6\r\nQUIT\r\n');
  expect(await w.reply()).toEqual(['503 5.5.1 Error: need MAIL command']);
  expect(await w.cmd('BDAT x')).toEqual(['501 5.5.4 Syntax: BDAT count [LAST]']);
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  const big = 'y'.repeat(300);
  w.write(`BDAT ${big.length} LAST\r\n${big}`);
  expect(await w.reply()).toEqual(['552 5.3.4 Message size exceeds fixed limit']);
  expect(await w.cmd('NOOP')).toEqual(['250 2.0.0 Ok']);
});

it('exchange: accepts BDAT LAST with its queued text', async () => {
  const { w } = await start('exchange');
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  w.write('BDAT 9 LAST\r\nX: y\r\n\r\n\r\n');
  expect((await w.reply())[0]).toMatch(/^250 2\.6\.0 <[0-9A-F]{16}@esa\.example\.com> Queued mail for delivery$/);
});

it('asyncos does not know BDAT: 500, and the chunk is read as commands', async () => {
  const { w } = await start('asyncos');
  w.write('BDAT 6 LAST\r\nNOOP\r\n');
  expect(await w.reply()).toEqual(['500 #5.5.1 command not recognized']);
  expect(await w.reply()).toEqual(['250 ok']);
});

it('records the size and SHA-256 of each message as received, over BDAT and DATA, per message of a connection', async () => {
  const { createHash } = await import('node:crypto');
  const sha = (s: string) => createHash('sha256').update(s, 'latin1').digest('hex');
  const { r, w } = await start('postfix');
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  const first = 'X-Mxlab-Message: one\r\nSubject: chunked\r\n\r\n.a line starting with a dot, sent as is in BDAT\r\n';
  w.write(`BDAT 10\r\n${first.slice(0, 10)}BDAT ${first.length - 10} LAST\r\n${first.slice(10)}`);
  await w.reply();
  await w.reply();
  await w.cmd('MAIL FROM:<a@partner.example>');
  await w.cmd('RCPT TO:<b@example.com>');
  await w.cmd('DATA');
  const second = 'X-Mxlab-Message: two\r\n\r\n.dot line\r\nend\r\n';
  w.write(`${second.replace('\r\n.dot', '\r\n..dot')}.\r\n`);
  await w.reply();
  const view = r.connections[0].view();
  expect(view).toMatchObject({ size: second.length, sha256: sha(second) });
  expect(view.messages).toEqual([
    { id: 'one', size: first.length, sha256: sha(first) },
    { id: 'two', size: second.length, sha256: sha(second) },
  ]);
});
