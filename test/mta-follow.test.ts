import { describe, expect, it } from 'vitest';
import { LineLog } from '../src/runtime/docker/line-log.js';
import { exim } from '../src/runtime/docker/mta/exim.js';
import { genericAdapter } from '../src/runtime/docker/mta/generic.js';
import { opensmtpd } from '../src/runtime/docker/mta/opensmtpd.js';
import { postfix } from '../src/runtime/docker/mta/postfix.js';
import type { MtaAdapter, SubmittedMessage } from '../src/runtime/docker/mta/types.js';

/**
 * Following submitted messages in a real MTA's log (mta/follow.ts, shared by every adapter): the
 * queue id from the line that names the message, then the attempt's outcome, all within one
 * timeout, lines arriving after the follow began, and several messages followed at once.
 * The lines have the shape the MTAs print in their containers (Postfix 3.7, Exim 4.96, OpenSMTPD 6.8).
 */
const msg = (id: string, over: Partial<SubmittedMessage> = {}): SubmittedMessage => ({ id, messageId: `${id}@partner.example`, from: 'news@partner.example', to: 'ops@corp.example', rcpt: ['ops@corp.example'], ...over });

const tick = () => new Promise((r) => setImmediate(r));

async function follow(adapter: MtaAdapter, ms: SubmittedMessage[], lines: string[], timeoutMs = 2_000) {
  const log = new LineLog();
  log.push('a line from before the submission\n');
  const from = log.length;
  const verdicts = Promise.all(ms.map((m) => adapter.sender!.follow(log, from, m, timeoutMs)));
  // the lines come after the followers wait, a few at a time
  for (const l of lines) {
    await tick();
    log.push(`${l}\n`);
  }
  return verdicts;
}

describe('real MTA senders: a message followed through the log', () => {
  it('Postfix: the queue id from cleanup’s message-id line, the outcome from smtp’s status line', async () => {
    const [a, b] = await follow(postfix, [msg('a'), msg('b')], [
      'Dec  5 00:40:01 partner postfix/cleanup[210]: 4QmX1B2C3Dz: message-id=<b@partner.example>',
      'Dec  5 00:40:01 partner postfix/cleanup[211]: 4QmX1B2C3Fz: message-id=<a@partner.example>',
      'Dec  5 00:40:02 partner postfix/smtp[220]: 4QmX1B2C3Fz: to=<ops@corp.example>, relay=esa.example.com[172.20.0.3]:25, delay=0.2, delays=0.1/0/0.05/0.05, dsn=2.0.0, status=sent (250 ok: Message 12 accepted)',
      'Dec  5 00:40:02 partner postfix/smtp[221]: 4QmX1B2C3Dz: to=<ops@corp.example>, relay=esa.example.com[172.20.0.3]:25, delay=0.3, delays=0.1/0/0.1/0.1, dsn=4.7.4, status=deferred (TLS is required, but was not offered by host esa.example.com[172.20.0.3])',
    ]);
    expect([a.outcome, a.queueId, a.reason, a.detail]).toEqual(['delivered', '4QmX1B2C3Fz', 'ok', '250 ok: Message 12 accepted']);
    expect([b.outcome, b.queueId, b.reason]).toEqual(['deferred', '4QmX1B2C3Dz', 'tls-not-offered']);
    expect(a.relayAddress).toBe('172.20.0.3');
  });

  it('Exim: the id from the <= line naming the Message-ID, the outcome from => / ==', async () => {
    const [a, b] = await follow(exim, [msg('a'), msg('b')], [
      '2026-12-05 00:40:01 1vRk2a-000012-AB <= news@partner.example U=root P=local S=412 id=a@partner.example',
      '2026-12-05 00:40:01 1vRk2a-000013-CD <= news@partner.example U=root P=local S=412 id=b@partner.example',
      '2026-12-05 00:40:02 1vRk2a-000013-CD == ops@corp.example R=smarthost T=remote_smtp_smarthost defer (-38) H=esa.example.com [172.20.0.3]: a TLS session is required, but the server did not offer TLS support',
      '2026-12-05 00:40:02 1vRk2a-000012-AB => ops@corp.example R=smarthost T=remote_smtp_smarthost H=esa.example.com [172.20.0.3] I=[172.20.0.2]:40312 X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 ok: Message 12 accepted"',
      '2026-12-05 00:40:02 1vRk2a-000012-AB Completed',
    ]);
    expect([a.outcome, a.queueId, a.tls, a.localPort, a.detail]).toEqual(['delivered', '1vRk2a-000012-AB', true, 40312, '250 ok: Message 12 accepted']);
    expect([b.outcome, b.reason]).toEqual(['deferred', 'tls-not-offered']);
  });

  it('OpenSMTPD: the n-th envelope line of the same sender and recipient is the n-th message', async () => {
    const [first, second] = await follow(opensmtpd, [msg('a', { nth: 0 }), msg('b', { nth: 1 })], [
      'smtp envelope evpid=0a1b2c3d00000001 from=<news@partner.example> to=<ops@corp.example>',
      'smtp envelope evpid=0a1b2c3e00000002 from=<news@partner.example> to=<ops@corp.example>',
      'e1f2a3b4c5d6e7f8 mta tls ciphers=TLSv1.3:TLS_AES_256_GCM_SHA384:256',
      'e1f2a3b4c5d6e7f8 mta delivery evpid=0a1b2c3e00000002 from=<news@partner.example> to=<ops@corp.example> rcpt=<-> source="172.20.0.2" relay="172.20.0.3 (esa.example.com)" delay=1s result="Ok" stat="250 ok"',
      'e1f2a3b4c5d6e7f9 mta delivery evpid=0a1b2c3d00000001 from=<news@partner.example> to=<ops@corp.example> rcpt=<-> source="172.20.0.2" relay="172.20.0.3 (esa.example.com)" delay=1s result="TempFail" stat="Connection refused"',
    ]);
    expect([first.outcome, first.queueId, first.reason, first.tls]).toEqual(['deferred', '0a1b2c3d00000001', 'connection-refused', false]);
    expect([second.outcome, second.queueId, second.tls]).toEqual(['delivered', '0a1b2c3e00000002', true]);
  });

  it('a generic MTA: queue-id on the Message-ID line, a line it does not match passed over', async () => {
    const sendmail = genericAdapter({ submit: ['sendmail', '-f', '{from}', '{to}'], ready: 'starting', log: '/var/log/mail.log', 'queue-id': 'sm-mta\\[\\d+\\]: (\\w+):', delivered: 'stat=Sent', deferred: 'stat=Deferred', bounced: 'dsn=5' });
    const [a] = await follow(sendmail, [msg('a')], [
      'Dec  5 00:40:01 partner sendmail[90]: noise about <a@partner.example>',
      'Dec  5 00:40:01 partner sm-mta[91]: 5B50e1A1000091: from=<news@partner.example>, size=412, msgid=<a@partner.example>',
      'Dec  5 00:40:02 partner sm-mta[92]: 5B50e1A1000091: to=<ops@corp.example>, relay=esa.example.com. [172.20.0.3], stat=Sent (5B50e1A2000010 Message accepted)',
    ]);
    expect([a.outcome, a.queueId, a.log.length]).toEqual(['delivered', '5B50e1A1000091', 2]);
  });

  it('no line for the message within the timeout: deferred, timeout, naming what was looked for', async () => {
    const [p, o] = await Promise.all([follow(postfix, [msg('lost')], [], 50), follow(opensmtpd, [msg('lost')], ['smtp envelope evpid=0a1b2c3d00000001 from=<news@partner.example> to=<ops@corp.example>'], 50)]);
    expect([p[0].outcome, p[0].reason, p[0].detail]).toEqual(['deferred', 'timeout', 'mxlab: no final log line for Message-ID <lost@partner.example> within the timeout']);
    // the envelope came, its delivery did not: the time left after the id is the outcome's, and the queue id is kept
    expect([o[0].outcome, o[0].reason, o[0].queueId]).toEqual(['deferred', 'timeout', '0a1b2c3d00000001']);
  });
});
