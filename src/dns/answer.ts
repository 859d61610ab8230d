import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, Packet, RecordType } from 'dns-packet';
import { canonical, nameExists, zoneOf, type LabDnsData, type LabRecord } from './data.js';

/**
 * The lab resolver's answer to one query, as a validating recursive resolver gives it: RA set, AA
 * clear; the AD bit on answers from a `secure` zone when the query asked for DNSSEC (DO or AD set,
 * RFC 6840 §5.7–5.8); SERVFAIL for a `bogus` zone unless checking is disabled (CD, RFC 4035 §3.2.2);
 * NXDOMAIN for every name outside the scenario's zones. Pure: the server and the tests call it.
 */

export const TTL = 300;
/** RFC 6891 §6.2.5 / the 2020 DNS flag day: the largest UDP answer we send. */
const MAX_UDP = 1232;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type Rcode = keyof typeof RCODE;

/** One query and its answer as the resolver logs it (and the session shows it). */
export interface QueryLog {
  name: string;
  type: string;
  rcode: Rcode;
  /** the answer carried the AD bit */
  ad: boolean;
  /** the answer records' data in presentation form, e.g. `10 mx1.corp.example.` */
  answers: string[];
}

export interface Reply {
  bytes: Buffer;
  log: QueryLog;
}

/** Builds the response to `query` (already decoded) from `data` as `view` sees it; `udp` caps the size. */
export function answer(query: DecodedPacket, data: LabDnsData, view: string, udp: boolean): Reply {
  const q = query.questions?.[0];
  const opt = query.additionals?.find((a) => a.type === 'OPT') as (Answer & { udpPayloadSize?: number; flag_do?: boolean }) | undefined;
  const dnssecOk = opt?.flag_do === true || query.flag_ad;
  const base = { id: query.id ?? 0, type: 'response' as const, questions: q ? [q] : [], ...(opt ? { additionals: [optRecord(opt.flag_do === true)] } : {}) };
  const flags = (rcode: Rcode, ad = false) =>
    ((query.flags ?? 0) & packet.RECURSION_DESIRED) | packet.RECURSION_AVAILABLE | (ad ? packet.AUTHENTIC_DATA : 0) | (query.flag_cd ? packet.CHECKING_DISABLED : 0) | RCODE[rcode];
  const name = q ? canonical(q.name) : '';
  const type = q ? String(q.type) : '';
  const reply = (p: Packet, rcode: Rcode, ad: boolean, answers: Answer[] = []): Reply => ({
    bytes: encode(p, udp ? Math.min(MAX_UDP, Math.max(512, opt?.udpPayloadSize ?? 512)) : 65535),
    log: { name, type, rcode, ad, answers: answers.map(presentAnswer) },
  });

  const opcode = (query as DecodedPacket & { opcode?: string }).opcode;
  if (opcode !== undefined && opcode !== 'QUERY') return reply({ ...base, flags: flags('NOTIMP') }, 'NOTIMP', false);
  if (!q || (query.questions?.length ?? 0) !== 1) return reply({ ...base, flags: flags('FORMERR') }, 'FORMERR', false);
  if ((q.class ?? 'IN') !== 'IN') return reply({ ...base, flags: flags('REFUSED') }, 'REFUSED', false);

  const apex = zoneOf(data, name);
  if (apex === undefined) return reply({ ...base, flags: flags('NXDOMAIN') }, 'NXDOMAIN', false);
  const security = data.zones[apex];
  if (security === 'bogus' && !query.flag_cd) return reply({ ...base, flags: flags('SERVFAIL') }, 'SERVFAIL', false);
  const ad = security === 'secure' && dnssecOk;
  const names = data.views[view] ?? {};
  const records = (names[name] ?? []).filter((r) => type === 'ANY' || r.type === type).map((r) => toAnswer(name, r));
  if (type === 'SOA' && name === apex) records.push(soa(apex));
  if ((type === 'NS' || type === 'ANY') && name === apex) records.push({ type: 'NS', name: apex, ttl: TTL, data: nsName(apex) });
  const authority = records.length ? [] : [soa(apex)];
  const rcode: Rcode = records.length || nameExists(names, name, apex) ? 'NOERROR' : 'NXDOMAIN';
  return reply({ ...base, flags: flags(rcode, ad), answers: records, authorities: authority }, rcode, ad, records);
}

/** A FORMERR for bytes that do not decode but carry a header (id and opcode kept). */
export function formErr(bytes: Buffer): Buffer | undefined {
  if (bytes.length < 12) return undefined;
  const out = Buffer.alloc(12);
  bytes.copy(out, 0, 0, 4);
  out[2] = (bytes[2] & 0x79) | 0x80; // QR, opcode and RD kept
  out[3] = 0x80 | RCODE.FORMERR; // RA
  return out;
}

function encode(p: Packet, max: number): Buffer {
  const full = packet.encode(p);
  if (full.length <= max) return full;
  // RFC 2181 §9: too large for UDP — the header says truncated, the client asks again over TCP
  return packet.encode({ ...p, flags: (p.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: [], authorities: [] });
}

function optRecord(dnssecOk: boolean): Answer {
  return { type: 'OPT', name: '.', udpPayloadSize: MAX_UDP, extendedRcode: 0, ednsVersion: 0, flags: dnssecOk ? packet.DNSSEC_OK : 0, flag_do: dnssecOk, options: [] } as unknown as Answer;
}

/** The zone's (notional) name server: the lab resolver answers for all of them. */
const nsName = (apex: string) => (apex ? `ns.${apex}` : 'ns.mxlab.invalid');

function soa(apex: string): Answer {
  return { type: 'SOA', name: apex, ttl: TTL, data: { mname: nsName(apex), rname: apex ? `hostmaster.${apex}` : 'hostmaster.mxlab.invalid', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: TTL } };
}

function toAnswer(name: string, r: LabRecord): Answer {
  switch (r.type) {
    case 'A':
      return { type: 'A', name, ttl: TTL, data: r.data };
    case 'MX':
      return { type: 'MX', name, ttl: TTL, data: r.data };
    case 'TXT':
      return { type: 'TXT', name, ttl: TTL, data: r.data.map((s) => Buffer.from(s, 'utf8')) };
    case 'TLSA':
      return { type: 'TLSA', name, ttl: TTL, data: { ...r.data, certificate: Buffer.from(r.data.certificate, 'hex') } };
  }
}

/** The data of one answer record in presentation form (RFC 1035 §5.1; TLSA as RFC 6698 §2.2). */
export function presentAnswer(a: Answer): string {
  const d = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'MX': {
      const mx = d as { preference?: number; exchange: string };
      return `${mx.preference ?? 0} ${mx.exchange}`;
    }
    case 'TXT': {
      const parts = Array.isArray(d) ? d : [d];
      return parts.map((p) => JSON.stringify(Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join(' ');
    }
    case 'TLSA': {
      const t = d as { usage: number; selector: number; matchingType: number; certificate: Buffer };
      return `${t.usage} ${t.selector} ${t.matchingType} ${t.certificate.toString('hex')}`;
    }
    case 'SOA': {
      const s = d as { mname: string; rname: string; serial?: number };
      return `${s.mname} ${s.rname} ${s.serial ?? 0}`;
    }
    default:
      return Buffer.isBuffer(d) ? d.toString('hex') : String(d);
  }
}

export type { RecordType };
