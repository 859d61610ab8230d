import type { RecordStore } from '../collect/record-store.js';
import type { HopRecord, ReceiverRecord } from '../collect/records.js';
import type { NodeContainer } from './containers.js';
import type { MtaMailbox } from './mta-mailbox.js';
import type { MtaAdapter } from './mta/types.js';

/** A running node of a cell, with how it reports. */
export type CellNode =
  | { kind: 'firewall'; c: NodeContainer; records: RecordStore<HopRecord> }
  | { kind: 'receiver'; c: NodeContainer; records: RecordStore<ReceiverRecord> }
  | { kind: 'mta-receiver'; c: NodeContainer; adapter: MtaAdapter; mailbox: MtaMailbox }
  | { kind: 'mta-sender'; c: NodeContainer; adapter: MtaAdapter }
  | { kind: 'builtin-sender'; c: NodeContainer };

export type CellNodeKind = CellNode['kind'];

/** A recording hop (`mxlab proxy`, device none) the runtime put between a real MTA sender and a real MTA receiver. */
export interface Recorder {
  c: NodeContainer;
  records: RecordStore<HopRecord>;
}
