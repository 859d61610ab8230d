import dgram from 'node:dgram';
import net from 'node:net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import type { Clock } from '../model/clock.js';
import { presentAnswer, type QueryLog, type Rcode } from './answer.js';
import { canonical } from './data.js';

/**
 * A stub resolver that asks one server (the lab resolver) with the DNSSEC bits a validating stub
 * sets — RD, AD and EDNS DO (RFC 6840 §5.7) — and trusts the AD bit of the answer, the way Postfix
 * (`smtp_dns_support_level = dnssec`) and Exim (`dns_dnssec_ok`) trust their resolver's. UDP first,
 * TCP when the answer is truncated (RFC 7766). Every exchange is reported to `onExchange`.
 */

export interface DnsResult {
  /** `TIMEOUT` when the server did not answer */
  rcode: Rcode | 'TIMEOUT';
  /** the answer carried the AD bit: DNSSEC-validated (secure) */
  ad: boolean;
  /** the answer section's records of the asked type */
  records: DataAnswer[];
}

/** An answer record with data (every type but OPT). */
export type DataAnswer = Exclude<Answer, { type: 'OPT' }>;

/** One query and its answer as the sender saw it, on the run's clock. */
export interface Exchange extends QueryLog {
  t: number;
}

export interface StubResolver {
  query(name: string, type: RecordType): Promise<DnsResult>;
}

export interface StubResolverOptions {
  server: { host: string; port: number };
  clock: Clock;
  /** per try; default 2000 ms, two tries over UDP */
  timeoutMs?: number;
  onExchange?(e: Exchange): void;
}

export function stubResolver(o: StubResolverOptions): StubResolver {
  const timeout = o.timeoutMs ?? 2000;
  return {
    async query(name, type) {
      const t = o.clock.now();
      const q = { id: Math.floor(Math.random() * 65536), type: 'query' as const, flags: packet.RECURSION_DESIRED | packet.AUTHENTIC_DATA, questions: [{ type, name: canonical(name), class: 'IN' as const }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: packet.DNSSEC_OK, options: [] } as unknown as Answer] };
      const bytes = packet.encode(q);
      let res: DecodedPacket | undefined;
      for (let i = 0; i < 2 && !res; i++) res = await udpQuery(o.server, bytes, q.id, timeout);
      if (res?.flag_tc) res = await tcpQuery(o.server, bytes, q.id, timeout);
      const result: DnsResult = res
        ? { rcode: (((res as DecodedPacket & { rcode?: string }).rcode ?? 'SERVFAIL') as Rcode), ad: res.flag_ad, records: (res.answers ?? []).filter((a): a is DataAnswer => a.type === type && canonical(a.name) === canonical(name)) }
        : { rcode: 'TIMEOUT', ad: false, records: [] };
      o.onExchange?.({ t, name: canonical(name), type, rcode: result.rcode as Rcode, ad: result.ad, answers: (res?.answers ?? []).map(presentAnswer) });
      return result;
    },
  };
}

function matches(res: DecodedPacket, id: number): boolean {
  return res.flag_qr && res.id === id;
}

function udpQuery(server: { host: string; port: number }, bytes: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket | undefined> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const done = (r: DecodedPacket | undefined) => {
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('error', () => done(undefined));
    sock.on('message', (msg) => {
      try {
        const res = packet.decode(msg);
        if (matches(res, id)) done(res);
      } catch {
        /* not an answer: keep waiting */
      }
    });
    sock.send(bytes, server.port, server.host, (err) => err && done(undefined));
  });
}

function tcpQuery(server: { host: string; port: number }, bytes: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(server.port, server.host);
    let buf = Buffer.alloc(0);
    const done = (r: DecodedPacket | undefined) => {
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.on('error', () => done(undefined));
    s.on('connect', () => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(bytes.length);
      s.write(Buffer.concat([head, bytes]));
    });
    s.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 65537) return done(undefined);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      try {
        const res = packet.decode(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        done(matches(res, id) ? res : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}
