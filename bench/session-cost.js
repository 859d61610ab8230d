/**
 * Bench 1 — per-session cost (issue 2, item 11): one full SMTP session delivering ~1 KB on 127.0.0.1.
 *   a  floor: bench/lib mini client → mini server, net + tls, STARTTLS, same EC certificate
 *   b  nodemailer SMTPConnection → plain smtp-server (default 100 ms greeting delay), STARTTLS
 *   c  mxlab deliver() → asyncos receiver, STARTTLS
 *   d  mxlab deliver() → ASA 9.12(4) emulator → asyncos receiver (STARTTLS masked: plaintext)
 * plus a breakdown that swaps one side of (c) for the floor's. All variants run interleaved; each sample is
 * one whole session, connect to close: wall ms, and CPU ms of this process (client and server both live here,
 * so CPU time is the session's total work and is less disturbed by other load on the machine than wall time).
 */
import tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SMTPConnection as ServerConnection } from 'smtp-server/lib/smtp-connection.js';
import { startReceiver } from '../dist/actors/receiver/index.js';
import { deliver } from '../dist/actors/sender/index.js';
import { monotonicClock } from '../dist/model/clock.js';
import { generateRunCertificates } from '../dist/tls/certs.js';
import { smallMessage } from './lib/body.js';
import { loadFirewall } from './lib/firewall.js';
import { miniSession } from './lib/mini-client.js';
import { startMiniServer } from './lib/mini-server.js';
import { fmt, interleave, median, p90, table } from './lib/stats.js';

const SIZE = 1024;
const SERVERNAME = 'esa.example.com';

/** Wall and CPU time of one session; `fn` throws when the session did not go as intended. */
async function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

export async function sessionCost({ quick = false, log = console.log } = {}) {
  const rounds = quick ? 20 : 100;
  const warmup = quick ? 3 : 5;
  const clock = monotonicClock();
  const certs = await generateRunCertificates([SERVERNAME]);
  const clientContext = tls.createSecureContext({});
  const stops = [];
  let n = 0;
  try {
    const mini = await startMiniServer({ hostname: SERVERNAME, secureContext: tls.createSecureContext({ key: certs.key, cert: certs.cert }) });
    stops.push(() => mini.stop());
    const plain = await startPlainSmtpServer(certs);
    stops.push(() => plain.stop());
    const bare = await startPlainSmtpServer(certs, { greetingDelay: false });
    stops.push(() => bare.stop());
    const receiver = await startReceiver({ name: 'esa', persona: 'asyncos', hostname: SERVERNAME, tls: 'preferred', size: 10_485_760, certs, clock });
    stops.push(() => receiver.stop());

    const floorClient = (port, wantTls = true) => () =>
      timed(async () => {
        const tlsOptions = wantTls ? { secureContext: clientContext, servername: SERVERNAME } : undefined;
        const r = await miniSession({ host: '127.0.0.1', port, tls: tlsOptions, body: smallMessage(`m${n++}`, SIZE) });
        if (r.tls !== wantTls) throw new Error(`floor client: session tls=${r.tls}`);
      });
    const mxlab = (port, wantTls, policy = 'opportunistic') => () =>
      timed(async () => {
        const r = await deliver(
          { name: 'partner', tls: policy, clock },
          { id: `m${n++}`, from: 'partner@partner.example', to: 'user@esa.example.com', size: SIZE },
          { host: '127.0.0.1', port, node: 'esa', servername: SERVERNAME },
        );
        if (r.outcome !== 'delivered' || r.tls !== wantTls) throw new Error(`mxlab session: ${r.outcome}/${r.reason} tls=${r.tls} ${r.detail ?? ''}`);
      });

    const variants = [
      { key: 'a', label: 'a floor (net+tls, STARTTLS)', run: floorClient(mini.port) },
      { key: 'b', label: 'b nodemailer → smtp-server (STARTTLS)', run: () => timed(() => nodemailerSession(plain.port, smallMessage(`m${n++}`, SIZE))) },
      { key: 'c', label: 'c mxlab deliver → asyncos (STARTTLS)', run: mxlab(receiver.port, true) },
    ];
    const fw = await loadFirewall();
    if (fw.startFirewall) {
      const asa = await fw.startFirewall({ name: 'asa', device: 'asa 9.12(4)', clock, upstream: { host: receiver.host, port: receiver.port } });
      stops.push(() => asa.stop());
      variants.push({ key: 'd', label: 'd mxlab deliver → ASA 9.12(4) → asyncos (plain)', run: mxlab(asa.port, false) });
    } else {
      log(`  (d skipped: ${fw.reason})`);
    }
    const breakdown = [
      { key: 'a0', label: 'floor without STARTTLS (plain)', run: floorClient(mini.port, false) },
      { key: 'aP', label: 'floor client → smtp-server, no greeting delay', run: floorClient(bare.port) },
      { key: 'aR', label: 'floor client → asyncos receiver (STARTTLS)', run: floorClient(receiver.port) },
      { key: 'Na', label: 'nodemailer → floor server (STARTTLS)', run: () => timed(() => nodemailerSession(mini.port, smallMessage(`m${n++}`, SIZE))) },
      {
        key: 'Nc',
        label: 'nodemailer, one shared TLS context → floor server',
        run: () => timed(() => nodemailerSession(mini.port, smallMessage(`m${n++}`, SIZE), { secureContext: clientContext })),
      },
      { key: 'Sa', label: 'mxlab deliver → floor server (STARTTLS)', run: mxlab(mini.port, true) },
      { key: 'c0', label: 'mxlab deliver → asyncos, tls none (plain)', run: mxlab(receiver.port, false, 'none') },
    ];

    log(`  ${rounds} rounds after ${warmup} warm-up rounds, all ${variants.length + breakdown.length} variants interleaved, ~${SIZE} B message per session`);
    const samples = await interleave([...variants, ...breakdown], { warmup, rounds });
    const wall = {};
    const cpu = {};
    for (const [k, s] of Object.entries(samples)) {
      wall[k] = median(s.map((x) => x.wall));
      cpu[k] = median(s.map((x) => x.cpu));
    }
    const row = (v) => {
      const s = samples[v.key];
      return [v.label, fmt(wall[v.key]), fmt(p90(s.map((x) => x.wall))), fmt(Math.min(...s.map((x) => x.wall))), fmt(cpu[v.key]), fmt(p90(s.map((x) => x.cpu)))];
    };
    const head = ['variant', 'median ms', 'p90 ms', 'min ms', 'CPU median ms', 'CPU p90 ms'];
    log(table([head, ...variants.map(row)]));
    const pairs = [['c', 'a'], ['d', 'a'], ['c', 'b'], ['d', 'b']].filter(([x, y]) => wall[x] !== undefined && wall[y] !== undefined);
    log('  ratios of wall medians: ' + pairs.map(([x, y]) => `${x}/${y} = ${fmt(wall[x] / wall[y])}`).join(', ') + '   (goal c/a ≤ 2)');
    log('  ratios of CPU medians:  ' + pairs.map(([x, y]) => `${x}/${y} = ${fmt(cpu[x] / cpu[y])}`).join(', '));
    log('  breakdown (same rounds, interleaved with the above):');
    log(table([head, ...breakdown.map(row)]));
    const extra = (x, y) => `${fmt(wall[x] - wall[y])} ms wall / ${fmt(cpu[x] - cpu[y])} ms CPU`;
    log(`  over the floor, both sides (c − a): ${extra('c', 'a')}`);
    log(`    receiver side (aR − a): ${extra('aR', 'a')} = smtp-server itself ${extra('aP', 'a')} + asyncos persona layer ${extra('aR', 'aP')}`);
    log(`    sender side (Sa − a): ${extra('Sa', 'a')} = nodemailer ${extra('Na', 'a')} (of which a TLS context per connection ${extra('Na', 'Nc')}) + mxlab sender layer ${extra('Sa', 'Na')}`);
    if (wall.d !== undefined) log(`  the ASA hop adds ${extra('d', 'c0')} to a plaintext mxlab session (d − c0); TLS costs mxlab ${extra('c', 'c0')} (c − c0), the floor ${extra('a', 'a0')} (a − a0)`);
    return { wall, cpu, samples };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/**
 * smtp-server as users get it (100 ms greeting delay kept); reverse DNS off: no network here.
 * `greetingDelay: false` greets at once, the way mxlab's receiver does (same instance override), without a persona.
 */
async function startPlainSmtpServer(certs, { greetingDelay = true } = {}) {
  const server = new SMTPServer({
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
  server.on('error', () => undefined);
  if (!greetingDelay) {
    server.connect = (socket, socketOptions) => {
      const conn = new ServerConnection(server, socket, socketOptions);
      server.connections.add(conn);
      conn.on('error', () => undefined);
      conn._setListeners(() => conn.connectionReady());
    };
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.server.address().port, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** nodemailer's SMTPConnection as a user gets it: STARTTLS when advertised, certificate not verified. */
function nodemailerSession(port, body, tlsOptions = {}) {
  return new Promise((resolve, reject) => {
    const conn = new SMTPConnection({ host: '127.0.0.1', port, name: 'partner.example', tls: { rejectUnauthorized: false, ...tlsOptions } });
    conn.on('error', reject);
    conn.once('end', () => (conn.secure ? resolve() : reject(new Error('nodemailer session without TLS'))));
    conn.connect(() => {
      conn.send({ from: 'a@partner.example', to: ['b@esa.example.com'] }, body, (err) => {
        if (err) return reject(err);
        conn.quit();
      });
    });
  });
}
