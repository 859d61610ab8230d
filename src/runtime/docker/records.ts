import { RecordStore } from '../collect/record-store.js';
import { parseRecord, type HopRecord, type ReceiverRecord } from '../collect/records.js';
import type { TranscriptEntry, WireConnection } from '../../model/result.js';
import type { LineLog } from './line-log.js';

/**
 * The `connection` records a node program (`mxlab proxy --json`, `mxlab receiver --json`) prints
 * as each connection closes, read from its container's output into a RecordStore.
 *
 * A container reused from an earlier cell stamps times from its own epoch origin: `shiftMs` (its
 * origin minus this cell's) moves them onto this cell's clock, and a connection that opened before
 * this cell began (one an earlier cell left open, closing now) is not this cell's.
 */
export function recordsFrom<T extends HopRecord | ReceiverRecord>(logs: LineLog, shiftMs = 0): RecordStore<T> {
  const store = new RecordStore<T>();
  const take = (line: string) => {
    const r = parseRecord(line);
    if (r?.type !== 'connection') return;
    const rec = r as unknown as T;
    if (shiftMs) shiftRecord(rec, shiftMs);
    if (shiftMs && openedAt(rec) < 0) return;
    store.push(rec);
  };
  for (const line of logs.lines) take(line);
  logs.onLine(take);
  return store;
}

function openedAt(r: HopRecord | ReceiverRecord): number {
  const first = 'transcript' in r ? r.transcript[0] : r.clientHop[0];
  return first?.t ?? 0;
}

function shiftRecord(r: HopRecord | ReceiverRecord, ms: number): void {
  const entries = (list: TranscriptEntry[] | undefined) => {
    for (const e of list ?? []) e.t += ms;
  };
  const wire = (w: WireConnection | undefined) => {
    if (!w) return;
    w.t += ms;
    if (w.end) w.end.t += ms;
    for (const seg of w.segments) seg.t += ms;
  };
  if ('transcript' in r) {
    entries(r.transcript);
    return;
  }
  entries(r.clientHop);
  entries(r.serverHop);
  for (const e of r.events) e.t += ms;
  wire(r.clientWire);
  wire(r.serverWire);
}
