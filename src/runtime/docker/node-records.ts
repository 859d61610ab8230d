import type { FirewallEvent, ServerView, TranscriptEntry } from '../../model/result.js';
import type { LineLog } from './line-log.js';

/** A closed connection as the firewall program reports it in `--json` mode. */
export interface FirewallRecord {
  type: 'connection';
  id: number;
  clientPort: number;
  upstreamLocalPort?: number;
  clientHop: TranscriptEntry[];
  serverHop: TranscriptEntry[];
  events: FirewallEvent[];
}

/** A closed connection as the receiver program reports it in `--json` mode. */
export interface ReceiverRecord {
  type: 'connection';
  id: number;
  remotePort: number;
  transcript: TranscriptEntry[];
  view: ServerView;
}

export type NodeRecord = FirewallRecord | ReceiverRecord;

/** Parses the JSON lines of a node program (other lines are ignored). */
export function parseRecord(line: string): { type: string; [k: string]: unknown } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string' ? (v as { type: string }) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for a `connection` record matching `match` (records arrive when a connection closes). */
export async function waitRecord<T extends NodeRecord>(
  logs: LineLog,
  match: (r: T) => boolean,
  timeoutMs: number,
  from = 0,
): Promise<T | undefined> {
  let found: T | undefined;
  const i = await logs.waitFor(
    (line) => {
      const r = parseRecord(line);
      if (r?.type !== 'connection') return false;
      if (!match(r as unknown as T)) return false;
      found = r as unknown as T;
      return true;
    },
    from,
    timeoutMs,
  );
  return i >= 0 ? found : undefined;
}

/** Every connection record so far. */
export function records<T extends NodeRecord>(logs: LineLog): T[] {
  return logs.lines.map(parseRecord).filter((r) => r?.type === 'connection') as unknown as T[];
}
