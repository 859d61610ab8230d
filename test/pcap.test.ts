import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireCapture, WireConnection } from '../src/model/result.js';
import { pcapOf } from '../src/report/pcap/packets.js';
import { mxlab } from './helpers/cli.js';
import { Served } from './helpers/serve.js';
import { fieldsOf, needsTshark, pcapsByMessage, SEED_PCAPS, smtpRequests, smtpSummary, tshark } from './helpers/tshark.js';

const sh = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-pcap-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

/** tshark's frame.time_epoch (`1764895750.123456000`) as ms, exactly to the microsecond (a double cannot hold the whole as seconds). */
const epochMs = (s: string) => {
  const [sec, frac = ''] = s.split('.');
  return Number(sec) * 1000 + Number(`${frac}000000`.slice(0, 6)) / 1000;
};

/** The records of a classic pcap: [incl_len, orig_len, frame]. */
function records(pcap: Buffer): { incl: number; orig: number; frame: Buffer }[] {
  const out = [];
  for (let off = 24; off < pcap.length; ) {
    const incl = pcap.readUInt32LE(off + 8);
    const orig = pcap.readUInt32LE(off + 12);
    out.push({ incl, orig, frame: pcap.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return out;
}

describe('pcap files (synthesized Ethernet/IPv4/TCP around the recorded bytes)', () => {
  const capture: WireCapture = {
    hop: 0,
    client: { ip: '127.0.0.1', port: 40000 },
    server: { ip: '127.0.0.1', port: 37000 },
    t: 1,
    segments: [
      { t: 2, dir: 's2c', data: b64('220 esa.example.com ESMTP\r\n') },
      { t: 3, dir: 'c2s', data: b64('EHLO partner.example\r\n') },
      { t: 4, dir: 'c2s', data: b64('x'.repeat(100)), len: 4000 },
    ],
    end: { t: 5, how: 'reset', by: 'server' },
  };

  it('classic pcap, Ethernet, handshake, data cut at 1460 bytes with sequence numbers that follow the bytes, the end', () => {
    const pcap = pcapOf([capture], Date.UTC(2026, 0, 1));
    expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(pcap.readUInt32LE(20)).toBe(1);
    const recs = records(pcap);
    const tcp = recs.map(({ frame }) => ({ sport: frame.readUInt16BE(34), dport: frame.readUInt16BE(36), seq: frame.readUInt32BE(38), ack: frame.readUInt32BE(42), flags: frame[47], len: frame.readUInt16BE(16) - 40 }));
    // SYN, SYN/ACK, ACK, banner, EHLO, 4000 bytes as 1460 + 1460 + 1080, RST
    expect(tcp.map((p) => p.flags)).toEqual([0x02, 0x12, 0x10, 0x18, 0x18, 0x18, 0x18, 0x18, 0x14]);
    expect(tcp.map((p) => p.len)).toEqual([0, 0, 0, 27, 22, 1460, 1460, 1080, 0]);
    expect(tcp[0]).toMatchObject({ sport: 40000, dport: 25 }); // the listening side shows as SMTP's port
    const [c0, s0] = [tcp[0].seq, tcp[1].seq];
    expect(tcp[1].ack).toBe(c0 + 1);
    expect(tcp[3]).toMatchObject({ seq: s0 + 1, ack: c0 + 1 });
    expect(tcp[4]).toMatchObject({ seq: c0 + 1, ack: s0 + 1 + 27 });
    expect(tcp[7].seq).toBe(c0 + 1 + 22 + 2920);
    expect(tcp[8]).toMatchObject({ sport: 25, seq: s0 + 1 + 27, ack: c0 + 1 + 22 + 4000 });
    // bytes past the capture limit: the record is cut, the original length kept
    expect(recs[5]).toMatchObject({ incl: 54 + 100, orig: 54 + 1460 });
    expect(recs[6]).toMatchObject({ incl: 54, orig: 54 + 1460 });
  });

  it.skipIf(needsTshark)('tshark reads it: the TCP stream is complete and SMTP is decoded on both sides', async () => {
    const f = join(dir, 'crafted.pcap');
    await writeFile(f, pcapOf([{ ...capture, segments: capture.segments.slice(0, 2), end: { t: 5, how: 'close' } }], Date.UTC(2026, 0, 1)));
    const smtp = await tshark(['-r', f, '-Y', 'smtp', '-T', 'fields', '-e', 'smtp.response', '-e', 'smtp.req.command']);
    expect(smtp).toEqual(['220 esa.example.com ESMTP\\r\\n\t', '\tEHLO']);
    const expert = (await tshark(['-r', f, '-q', '-z', 'expert'])).join('\n');
    expect(expert).not.toMatch(/previous segment|ACKed segment that wasn't captured|Retransmission|Out-Of-Order/i);
  });
});

describe.skipIf(needsTshark)('mxlab run --reporter junit,html,pcap,bundle on the seed, read with tshark', () => {
  let out: string;
  beforeAll(async () => {
    out = join(dir, 'seed');
    const r = await mxlab(['run', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'junit,html,pcap,bundle', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`reports: ${out}/junit.xml, ${out}/report.html, ${out}/pcap/ (7 files), ${out}/keylog.txt, ${out}/mxlab-bundle.tar.gz\n`);
  });

  it('one pcap per hop per message and one keylog.txt', async () => {
    expect(await pcapsByMessage(join(out, 'pcap/seed-esa-behind-pix/run'))).toEqual(SEED_PCAPS);
    const keylog = (await readFile(join(out, 'keylog.txt'), 'utf8')).trim().split('\n');
    // one TLS 1.3 session (inside): five secrets, each logged once though both ends log it
    expect(keylog.map((l) => l.split(' ')[0]).sort()).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    for (const l of keylog) expect(l).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,96}$/);
  });

  it('tshark -Y smtp decodes the masked EHLO reply on the outside hop, the real one on the inside', async () => {
    const outside = await fieldsOf(join(out, 'pcap/seed-esa-behind-pix/run/outside/hop1-partner-fw.pcap'), 'smtp', ['smtp.rsp.parameter']);
    expect(outside.join('\n')).toContain('XXXXXXXA');
    const summary = await smtpSummary(join(out, 'pcap/seed-esa-behind-pix/run/outside/hop1-partner-fw.pcap'));
    expect(summary).toMatch(/S: 250-esa\.example\.com \| 8BITMIME \| SIZE 14680064 \| XXXXXXXA/);
    const fwToEsa = await smtpSummary(join(out, 'pcap/seed-esa-behind-pix/run/outside-forced/hop2-fw-esa.pcap'));
    expect(fwToEsa).toMatch(/S: 250-esa\.example\.com \| 8BITMIME \| SIZE 14680064 \| STARTTLS/);
    // Wireshark shows a line that is no SMTP verb as a "DATA fragment"; the bytes are there
    expect(await fieldsOf(join(out, 'pcap/seed-esa-behind-pix/run/outside-forced/hop2-fw-esa.pcap'), 'tcp.payload == "XXXXXXXX\\r\\n"', ['tcp.srcport'])).toEqual([expect.stringMatching(/^\d+$/)]);
    expect(await fieldsOf(join(out, 'pcap/seed-esa-behind-pix/run/outside-forced/hop1-partner-fw.pcap'), 'smtp.req.command == "STAR"', ['smtp.req.parameter'])).toEqual(['TLS']);
  });

  it('with keylog.txt tshark decodes the commands sent inside TLS on the inside hop; without it, it cannot', async () => {
    const inside = join(out, 'pcap/seed-esa-behind-pix/run/inside/hop1-lan-esa.pcap');
    expect(await smtpRequests(inside)).toEqual(['EHLO\tlan.example', 'STAR\tTLS']);
    const decrypted = await smtpRequests(inside, join(out, 'keylog.txt'));
    expect(decrypted.slice(0, 3)).toEqual(['EHLO\tlan.example', 'MAIL\tFROM:<lan@lan.example> SIZE=512', 'RCPT\tTO:<postmaster@esa.example.com>']);
  });

  it('the bundle carries the same pcaps and key log, and tshark reads them from it', async () => {
    const x = join(dir, 'x');
    await sh('mkdir', ['-p', x]);
    await sh('tar', ['-xzf', join(out, 'mxlab-bundle.tar.gz'), '-C', x]);
    const b = join(x, 'mxlab-bundle');
    expect(await readFile(join(b, 'keylog.txt'), 'utf8')).toBe(await readFile(join(out, 'keylog.txt'), 'utf8'));
    const decrypted = await fieldsOf(join(b, 'pcap/seed-esa-behind-pix/run/inside/hop1-lan-esa.pcap'), 'smtp.req.command == "MAIL" && tls', ['smtp.req.parameter'], join(b, 'keylog.txt'));
    expect(decrypted).toEqual(['FROM:<lan@lan.example> SIZE=512']);
    expect((await readFile(join(b, 'README.txt'), 'utf8')).split('\n')[2]).toContain('pcap/ with keylog.txt (Wireshark)');
  });
});

describe.skipIf(needsTshark)('a retried message: every attempt in its hop\'s pcap', () => {
  it('fix-then-deliver: the never-fixed firewall\'s message holds one TCP connection per attempt, at scenario times', async () => {
    const out = join(dir, 'retries');
    const r = await mxlab(['run', 'scenarios/fix-then-deliver.yaml', '--reporter', 'json,pcap', '--out', out]);
    expect(r.code).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as import('../src/model/result.js').RunResult;
    const unfixed = result.scenarios[0].cells[0].sessions.find((s) => s.message === 'dkim-unfixed')!;
    expect(unfixed.attempts).toBeGreaterThan(2);
    const run = join(out, 'pcap/fix-then-deliver/run/dkim-unfixed');
    const [hop1] = (await readdir(run)).filter((f) => f.startsWith('hop1-')).map((f) => join(run, f));
    const conversations = (await tshark(['-r', hop1, '-q', '-z', 'conv,tcp'])).filter((l) => l.includes('<->'));
    expect(conversations).toHaveLength(unfixed.attempts);
    // each attempt's connection opens at its scenario time: the pcap's clock is the run's start plus scenario time, so
    // SYN n lies inside attempt n's own window [t, end] (not just as far apart as the attempts: how long a connection
    // takes to open is real time and varies with load; which attempt it belongs to does not)
    const syns = (await fieldsOf(hop1, 'tcp.flags.syn == 1 && tcp.flags.ack == 0', ['frame.time_epoch'])).map(epochMs);
    const history = unfixed.history!;
    expect(syns).toHaveLength(unfixed.attempts);
    const start = Date.parse(result.startedAt);
    // the pcap keeps microseconds (rounded), so a SYN at an attempt's very start or end may sit 1 µs outside it
    const us = 0.001;
    syns.forEach((syn, i) => {
      const a = history[i];
      expect(syn - start, `attempt ${a.attempt}: SYN at scenario ${syn - start} ms, attempt ran ${a.t}..${a.end} ms`).toBeGreaterThanOrEqual(a.t - us);
      expect(syn - start, `attempt ${a.attempt}: SYN at scenario ${syn - start} ms, attempt ran ${a.t}..${a.end} ms`).toBeLessThanOrEqual(a.end + us);
    });
    // and the attempts are the retry schedule's, minutes apart (so the windows cannot overlap and pass by accident)
    for (let i = 1; i < history.length; i++) expect(history[i].t).toBeGreaterThan(history[i - 1].end);
  });
});

describe('the node programs record for pcaps (what the docker runtime runs in its containers)', () => {
  const children: Served[] = [];
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
  });
  const serve = (args: string[]) => {
    const s = Served.start(args);
    children.push(s);
    return s;
  };

  it('mxlab receiver --keylog, mxlab proxy --capture and mxlab deliver with keylog: bytes and keys in their JSON records', async () => {
    const rcv = serve(['receiver', '--persona', 'asyncos', '--hostname', 'esa.example.com', '--listen', '127.0.0.1:0', '--json', '--keylog']);
    const rready = await rcv.line((l) => l.type === 'ready');
    const px = serve(['proxy', '--device', 'none', '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${rready.port}`, '--json', '--capture']);
    const pready = await px.line((l) => l.type === 'ready');
    const sender = JSON.stringify({ name: 'lan', hostname: 'lan.example', tls: 'opportunistic', keylog: true });
    const message = JSON.stringify({ id: 'inside', from: 'lan@lan.example', to: 'postmaster@esa.example.com' });
    const d = await mxlab(['deliver', '--sender-json', sender, '--message-json', message, '--target', `127.0.0.1:${pready.port}`, '--servername', 'esa.example.com']);
    expect(d.code).toBe(0);
    const delivered = JSON.parse(d.stdout.trim()) as { outcome: string; tls: boolean; keylog: string[] };
    expect(delivered).toMatchObject({ outcome: 'delivered', tls: true });
    const hop = (await px.line((l) => l.type === 'connection')) as { clientWire: WireConnection; serverWire: WireConnection };
    const received = (await rcv.line((l) => l.type === 'connection')) as { keylog: string[] };
    // both ends log the same secrets
    expect(new Set(received.keylog)).toEqual(new Set(delivered.keylog));
    expect(received.keylog).toHaveLength(5);
    const first = Buffer.from(hop.clientWire.segments[0].data, 'base64').toString('latin1');
    expect(hop.clientWire.segments[0].dir).toBe('s2c');
    expect(first).toBe('220 esa.example.com ESMTP\r\n');
    expect(hop.serverWire.segments.map((s) => s.data).join('')).toBe(hop.clientWire.segments.map((s) => s.data).join(''));

    if (needsTshark) return;
    const f = join(dir, 'programs.pcap');
    const keys = join(dir, 'programs-keylog.txt');
    await writeFile(f, pcapOf([{ hop: 0, ...hop.clientWire }], Date.now()));
    await writeFile(keys, received.keylog.map((l) => `${l}\n`).join(''));
    const decrypted = await fieldsOf(f, 'smtp.req.command == "MAIL" && tls', ['smtp.req.parameter'], keys);
    expect(decrypted).toEqual([expect.stringMatching(/^FROM:<lan@lan\.example>/)]);
  });

  it('--capture and --keylog need --json', async () => {
    const p = await mxlab(['proxy', '--device', 'none', '--upstream', '127.0.0.1:25', '--capture']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--capture records raw bytes into the --json connection records: give --json too');
    const r = await mxlab(['receiver', '--persona', 'generic', '--keylog']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--keylog records TLS keys into the --json connection records: give --json too');
  });
});

describe('recording does not change a verdict', () => {
  it('a receiver stopped by the timeline refuses connections with its recording relay in front too', async () => {
    const { runScenario } = await import('../src/run/run-scenario.js');
    const scenario = {
      name: 'receiver down, then up',
      nodes: {
        esa: { role: 'receiver' as const, persona: 'asyncos' as const, hostname: 'esa.example.com' },
        lan: { role: 'sender' as const, retry: ['5m'], 'queue-lifetime': '1h' },
      },
      messages: [{ id: 'm', from: 'lan', to: 'esa' }],
      timeline: [
        { at: '0s', node: 'esa', state: 'stopped' as const },
        { at: '3m', node: 'esa', state: 'started' as const },
      ],
      expect: [
        { message: 'm', attempt: 1, outcome: 'deferred' as const, reason: 'connection-refused' as const },
        { message: 'm', outcome: 'delivered' as const, attempts: 2 },
      ],
    };
    for (const capture of [false, true]) {
      const r = await runScenario({ scenario }, { capture });
      expect(r.scenarios[0].cells[0].expectations.filter((e) => !e.ok), `capture ${capture}`).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });
});
