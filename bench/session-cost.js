/**
 * Bench 1 — per-session cost (issue 2, item 11): one full SMTP session delivering ~1 KB on 127.0.0.1.
 *   a  floor: bench/lib mini client → mini server, net + tls, STARTTLS, same EC certificate
 *   b  nodemailer SMTPConnection → plain smtp-server (default 100 ms greeting delay), STARTTLS
 *   c  mxlab deliver() → asyncos receiver, STARTTLS
 *   d  mxlab deliver() → ASA 9.12(4) emulator → asyncos receiver (STARTTLS masked: plaintext)
 * Variants run interleaved (a,b,c,d,b,c,d,a,…); each sample is one whole session, connect to close.
 */
import tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { startReceiver } from '../dist/actors/receiver/index.js';
import { deliver } from '../dist/actors/sender/index.js';
import { monotonicClock } from '../dist/model/clock.js';
import { generateRunCertificates } from '../dist/tls/certs.js';
import { smallMessage } from './lib/body.js';
import { startMiniServer } from './lib/mini-server.js';
import { miniSession } from './lib/mini-client.js';
import { loadFirewall } from './lib/firewall.js';
import { fmt, interleave, median, p90, table } from './lib/stats.js';

const SIZE = 1024;

export async function sessionCost({ quick = false, log = console.log } = {}) {
  const rounds = quick ? 15 : 40;
  const warmup = quick ? 3 : 5;
  const clock = monotonicClock();
  const certs = await generateRunCertificates(['esa.example.com']);
  const serverContext = tls.createSecureContext({ key: certs.key, cert: certs.cert });
  const clientContext = tls.createSecureContext({});
  const stops = [];
  try {
    // a — floor
    const mini = await startMiniServer({ hostname: 'esa.example.com', secureContext: serverContext });
    stops.push(() => mini.stop());
    let n = 0;
    const floor = async () => {
      const r = await miniSession({ host: mini.host, port: mini.port, tls: { secureContext: clientContext, servername: 'esa.example.com' }, body: smallMessage(`a${n++}`, SIZE) });
      if (!r.tls) throw new Error('floor session did not use TLS');
      return r.totalMs;
    };

    // b — nodemailer → smtp-server, both as shipped (reverse DNS off: no network here)
    const plain = new SMTPServer({
      key: certs.key,
      cert: certs.cert,
      logger: false,
      authOptional: true,
      disabledCommands: ['AUTH'],
      disableReverseLookup: true,
      onData: (stream, _session, cb) => {
        stream.on('end', () => cb());
        stream.resume();
      },
    });
    plain.on('error', () => undefined);
    await new Promise((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const plainPort = plain.server.address().port;
    stops.push(() => new Promise((resolve) => plain.close(resolve)));
    const nodemailer = () => nodemailerSession(plainPort, smallMessage(`b${n++}`, SIZE));

    // c — mxlab sender → asyncos receiver
    const receiver = await startReceiver({ name: 'esa', persona: 'asyncos', hostname: 'esa.example.com', tls: 'preferred', size: 10_485_760, certs, clock });
    stops.push(() => receiver.stop());
    const sender = { name: 'partner', tls: 'opportunistic', clock };
    const mxlab = (port, wantTls) => async () => {
      const t0 = performance.now();
      const r = await deliver(sender, { id: `c${n++}`, from: 'partner@partner.example', to: 'user@esa.example.com', size: SIZE }, { host: '127.0.0.1', port, node: 'esa', servername: 'esa.example.com' });
      const ms = performance.now() - t0;
      if (r.outcome !== 'delivered' || r.tls !== wantTls) throw new Error(`mxlab session: ${r.outcome}/${r.reason} tls=${r.tls} ${r.detail ?? ''}`);
      return ms;
    };

    const variants = [
      { key: 'a', label: 'a floor (net+tls, STARTTLS)', run: floor },
      { key: 'b', label: 'b nodemailer → smtp-server (STARTTLS)', run: nodemailer },
      { key: 'c', label: 'c mxlab deliver → asyncos (STARTTLS)', run: mxlab(receiver.port, true) },
    ];
    // d — through the ASA emulator (when the firewall actor is built)
    const fw = await loadFirewall();
    if (fw.startFirewall) {
      const asa = await fw.startFirewall({ name: 'asa', device: 'asa 9.12(4)', clock, upstream: { host: receiver.host, port: receiver.port } });
      stops.push(() => asa.stop());
      variants.push({ key: 'd', label: 'd mxlab deliver → ASA 9.12(4) → asyncos (plain)', run: mxlab(asa.port, false) });
    } else {
      log(`  (d skipped: ${fw.reason})`);
    }

    log(`  ${rounds} rounds after ${warmup} warm-up rounds, interleaved, ~${SIZE} B message per session`);
    const samples = await interleave(variants, { warmup, rounds });
    const m = Object.fromEntries(variants.map((v) => [v.key, median(samples[v.key])]));
    log(
      table([
        ['variant', 'median ms', 'p90 ms', 'min ms'],
        ...variants.map((v) => [v.label, fmt(m[v.key]), fmt(p90(samples[v.key])), fmt(Math.min(...samples[v.key]))]),
      ]),
    );
    const ratios = [['c', 'a'], ['d', 'a'], ['c', 'b'], ['d', 'b']].filter(([x, y]) => m[x] !== undefined && m[y] !== undefined);
    log('  ratios of medians: ' + ratios.map(([x, y]) => `${x}/${y} = ${fmt(m[x] / m[y])}`).join(', ') + '   (goal c/a ≤ 2)');
    return { medians: m, samples };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** nodemailer's SMTPConnection as a user gets it: STARTTLS when advertised, certificate not verified. */
function nodemailerSession(port, body) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const conn = new SMTPConnection({ host: '127.0.0.1', port, name: 'partner.example', tls: { rejectUnauthorized: false } });
    conn.on('error', reject);
    conn.once('end', () => (conn.secure ? resolve(performance.now() - t0) : reject(new Error('nodemailer session without TLS'))));
    conn.connect(() => {
      conn.send({ from: 'a@partner.example', to: ['b@esa.example.com'] }, body, (err) => {
        if (err) return reject(err);
        conn.quit();
      });
    });
  });
}
