import type { FirewallEvent, ServerView, TranscriptEntry, WireConnection } from '../../model/result.js';

/**
 * The records a session is built from, the same in every runtime: the local runtime makes them
 * from its in-process connections, the docker runtime reads them as JSON lines from the node
 * programs (`mxlab proxy --json`, `mxlab receiver --json`) and from the real MTAs' logs.
 */

/** One connection through a proxy: a firewall, or a recording hop (device `none`). */
export interface HopRecord {
  id: number;
  /** the connecting side's source port */
  clientPort: number;
  /** the proxy's source port towards the next node */
  upstreamLocalPort?: number;
  /** connecting side ↔ proxy, as the connecting side saw it */
  clientHop: TranscriptEntry[];
  /** proxy ↔ next node, as the next node saw it */
  serverHop: TranscriptEntry[];
  events: FirewallEvent[];
  /** both connections' raw bytes, when the run records the wire (pcap, bundle) */
  clientWire?: WireConnection;
  serverWire?: WireConnection;
}

/** One connection into a receiver persona. */
export interface ReceiverRecord {
  id: number;
  remotePort: number;
  /** decrypted after STARTTLS (`tls: true` on those lines) */
  transcript: TranscriptEntry[];
  view: ServerView;
  /** the session's TLS key log (NSS lines), when the run records the wire */
  keylog?: string[];
}

/** What a real MTA receiver says it got for one message (its log and the stored message). */
export interface MtaReceipt {
  /** the client port it logged, when it logs one: links the receipt to the hop before it */
  remotePort?: number;
  view: ServerView;
  /** its log lines about the message */
  log: string[];
}

/** Parses a JSON line of a node program (`{"type":"connection",…}`); other lines give undefined. */
export function parseRecord(line: string): { type: string; [k: string]: unknown } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string' ? (v as { type: string }) : undefined;
  } catch {
    return undefined;
  }
}
