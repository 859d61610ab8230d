import type { RecordStore } from '../collect/record-store.js';
import type { HopRecord, ReceiverRecord } from '../collect/records.js';
import type { NodeContainer } from './containers.js';

/** A running node of a cell, with how it reports. */
export type CellNode =
  | { kind: 'firewall'; c: NodeContainer; records: RecordStore<HopRecord> }
  | { kind: 'receiver'; c: NodeContainer; records: RecordStore<ReceiverRecord> }
  | { kind: 'postfix-receiver' | 'builtin-sender' | 'mta-sender'; c: NodeContainer };

export type CellNodeKind = CellNode['kind'];
