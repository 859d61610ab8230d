import { RecordStore } from '../collect/record-store.js';
import { parseRecord, type HopRecord, type ReceiverRecord } from '../collect/records.js';
import type { LineLog } from './line-log.js';

/**
 * The `connection` records a node program (`mxlab proxy --json`, `mxlab receiver --json`) prints
 * as each connection closes, read from its container's output into a RecordStore.
 */
export function recordsFrom<T extends HopRecord | ReceiverRecord>(logs: LineLog): RecordStore<T> {
  const store = new RecordStore<T>();
  const take = (line: string) => {
    const r = parseRecord(line);
    if (r?.type === 'connection') store.push(r as unknown as T);
  };
  for (const line of logs.lines) take(line);
  logs.onLine(take);
  return store;
}
