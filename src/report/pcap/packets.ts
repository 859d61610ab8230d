import type { WireCapture } from '../../model/result.js';

/** The port the listening side is shown on: Wireshark decodes SMTP on 25 without being told (the local runtime listens on ephemeral ports). */
export const SMTP_PORT = 25;
/** Payload bytes per synthesized TCP segment. */
const MSS = 1460;
const ETH = 14;
const IP = 20;
const TCP = 20;
const FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

interface Side {
  mac: Buffer;
  ip: Buffer;
  port: number;
  /** next sequence number to send */
  seq: number;
  /** IPv4 identification */
  id: number;
}

/**
 * One TCP connection as a classic pcap file (Ethernet, microsecond timestamps): a three-way
 * handshake when the connection opened, the recorded bytes both ways cut into segments with
 * correct sequence and acknowledgement numbers, and a FIN exchange or the RST that ended it.
 * `epochMs` is the wall-clock time of the run's t = 0. The listening side appears on port 25.
 */
export function pcapOf(captures: WireCapture[], epochMs: number): Buffer {
  const parts: Buffer[] = [globalHeader()];
  for (const c of captures) parts.push(...connectionPackets(c, epochMs));
  return Buffer.concat(parts);
}

function connectionPackets(c: WireCapture, epochMs: number): Buffer[] {
  const out: Buffer[] = [];
  // initial sequence numbers from the port and the opening time: two connections from one port (attempts hours apart) differ
  const isn = (n: number) => (Math.imul(n + 1, 2654435761) >>> 0) & 0x7fffffff;
  const salt = Math.floor(c.t) & 0xffff;
  const client: Side = { mac: Buffer.from([2, 0, 0, 0, 0, 1]), ip: ipv4(c.client.ip, 1), port: c.client.port, seq: isn(c.client.port ^ (salt << 16)), id: 1 };
  const server: Side = { mac: Buffer.from([2, 0, 0, 0, 0, 2]), ip: ipv4(c.server.ip, 2), port: SMTP_PORT, seq: isn((c.client.port + 65536) ^ (salt << 8)), id: 1 };
  const at = (t: number) => epochMs + t;
  const send = (from: Side, to: Side, t: number, flags: number, payload: Buffer = Buffer.alloc(0), wireLen = payload.length) => {
    out.push(packet(at(t), from, to, flags, payload, wireLen));
    from.seq = (from.seq + wireLen + (flags & (FLAG.SYN | FLAG.FIN) ? 1 : 0)) >>> 0;
  };
  send(client, server, c.t, FLAG.SYN);
  send(server, client, c.t, FLAG.SYN | FLAG.ACK);
  send(client, server, c.t, FLAG.ACK);
  for (const s of c.segments) {
    const [from, to] = s.dir === 'c2s' ? [client, server] : [server, client];
    const data = Buffer.from(s.data, 'base64');
    const len = s.len ?? data.length;
    for (let off = 0; off < len; off += MSS) {
      const n = Math.min(MSS, len - off);
      send(from, to, s.t, FLAG.PSH | FLAG.ACK, data.subarray(off, Math.min(off + n, data.length)), n);
    }
  }
  const end = c.end ?? { t: c.segments.at(-1)?.t ?? c.t, how: 'close' as const };
  if (end.how === 'reset') {
    const [from, to] = end.by === 'client' ? [client, server] : [server, client];
    send(from, to, end.t, FLAG.RST | FLAG.ACK);
  } else {
    send(client, server, end.t, FLAG.FIN | FLAG.ACK);
    send(server, client, end.t, FLAG.FIN | FLAG.ACK);
    send(client, server, end.t, FLAG.ACK);
  }
  return out;
}

function globalHeader(): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeInt32LE(0, 8);
  b.writeUInt32LE(0, 12);
  b.writeUInt32LE(262144, 16); // snaplen
  b.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  return b;
}

/** One frame; `payload` may be shorter than `wireLen` (bytes past the capture limit): the record is then cut. */
function packet(ms: number, from: Side, to: Side, flags: number, payload: Buffer, wireLen: number): Buffer {
  const frame = Buffer.alloc(ETH + IP + TCP + payload.length);
  // Ethernet
  to.mac.copy(frame, 0);
  from.mac.copy(frame, 6);
  frame.writeUInt16BE(0x0800, 12);
  // IPv4
  const ip = ETH;
  frame[ip] = 0x45;
  frame.writeUInt16BE(IP + TCP + wireLen, ip + 2);
  frame.writeUInt16BE(from.id, ip + 4);
  from.id = (from.id + 1) & 0xffff;
  frame.writeUInt16BE(0x4000, ip + 6); // don't fragment
  frame[ip + 8] = 64;
  frame[ip + 9] = 6;
  from.ip.copy(frame, ip + 12);
  to.ip.copy(frame, ip + 16);
  frame.writeUInt16BE(checksum(frame.subarray(ip, ip + IP)), ip + 10);
  // TCP
  const tcp = ETH + IP;
  frame.writeUInt16BE(from.port, tcp);
  frame.writeUInt16BE(to.port, tcp + 2);
  frame.writeUInt32BE(from.seq, tcp + 4);
  frame.writeUInt32BE(flags & FLAG.ACK ? to.seq : 0, tcp + 8);
  frame[tcp + 12] = (TCP / 4) << 4;
  frame[tcp + 13] = flags;
  frame.writeUInt16BE(65535, tcp + 14);
  payload.copy(frame, tcp + TCP);
  if (payload.length === wireLen) {
    const pseudo = Buffer.alloc(12);
    from.ip.copy(pseudo, 0);
    to.ip.copy(pseudo, 4);
    pseudo[9] = 6;
    pseudo.writeUInt16BE(TCP + wireLen, 10);
    frame.writeUInt16BE(checksum(Buffer.concat([pseudo, frame.subarray(tcp)])), tcp + 16);
  }
  const rec = Buffer.alloc(16);
  const us = Math.round(ms * 1000);
  rec.writeUInt32LE(Math.floor(us / 1e6), 0);
  rec.writeUInt32LE(us % 1e6, 4);
  rec.writeUInt32LE(frame.length, 8);
  rec.writeUInt32LE(ETH + IP + TCP + wireLen, 12);
  return Buffer.concat([rec, frame]);
}

/** The Internet checksum (RFC 1071). */
function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An IPv4 address as 4 bytes (`::ffff:a.b.c.d` too); anything else becomes 127.0.0.<fallback>. */
function ipv4(addr: string, fallback: number): Buffer {
  const m = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(addr);
  const parts = m ? m.slice(1).map(Number) : [];
  return parts.length === 4 && parts.every((n) => n <= 255) ? Buffer.from(parts) : Buffer.from([127, 0, 0, fallback]);
}
