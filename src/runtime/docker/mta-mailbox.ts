import { extract } from 'tar-stream';
import type { MtaReceipt } from '../collect/records.js';
import { execOk, type NodeContainer } from './containers.js';
import { readStored, type StoredMessage } from './mta/stored.js';
import type { MtaAdapter } from './mta/types.js';

import { CONTRACT_PATHS } from './mta/contract.js';

export const MAILDIR = CONTRACT_PATHS.maildir;
const POLL_MS = 200;
/** how long a receipt waits for the receiver's first log line of the message */
const LOG_LAG_MS = 2000;

/**
 * What a real receiver MTA stored (containers/shared/mxlab-store writes one file per message
 * into MAILDIR/new): moved into a batch folder, fetched as a tar over the engine's API (works on
 * a remote engine too), read (trace removed, size, SHA-256) and kept by message id.
 */
export class MtaMailbox {
  private readonly stored = new Map<string, StoredMessage>();
  /** stored messages without an X-Mxlab-Message, by Message-ID, each handed to one message id */
  private readonly byMessageId = new Map<string, StoredMessage[]>();
  private readonly claimed = new Map<string, StoredMessage>();
  private fetching?: Promise<void>;
  private batch = 0;

  constructor(
    private readonly c: NodeContainer,
    private readonly adapter: MtaAdapter,
  ) {}

  /**
   * The receipt of message `id`, waiting up to `waitMs` for it to be stored. An .eml sent as it is by
   * the builtin sender has no X-Mxlab-Message: it is found by the file's `messageId` instead.
   */
  async receipt(id: string, waitMs: number, messageId?: string): Promise<MtaReceipt | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const s = this.find(id, messageId) ?? (await this.refresh(), this.find(id, messageId));
      if (s) return this.toReceipt(s, Math.max(LOG_LAG_MS, deadline - Date.now()));
      if (Date.now() >= deadline) return undefined;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private find(id: string, messageId: string | undefined): StoredMessage | undefined {
    const s = this.stored.get(id) ?? this.claimed.get(id);
    if (s || messageId === undefined) return s;
    const free = this.byMessageId.get(messageId)?.shift();
    if (free) this.claimed.set(id, free);
    return free;
  }

  private async toReceipt(s: StoredMessage, waitMs: number): Promise<MtaReceipt> {
    const r = this.adapter.receiver;
    const qid = r?.queueId(s.received);
    // its log can lag behind the stored file (a log file followed with tail -F)
    if (qid) await this.c.logs.waitFor((l) => l.includes(qid), 0, waitMs);
    const log = qid ? this.c.logs.lines.filter((l) => l.includes(qid)) : [];
    const remotePort = qid ? r?.clientPort(log, qid) : undefined;
    return { view: s.view, log, ...(remotePort !== undefined ? { remotePort } : {}) };
  }

  /** Fetches what arrived since the last call (one fetch at a time). */
  refresh(): Promise<void> {
    this.fetching ??= this.fetch().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  /** Forgets everything (a reused container's next cell). */
  clear(): void {
    this.stored.clear();
    this.byMessageId.clear();
    this.claimed.clear();
  }

  private async fetch(): Promise<void> {
    const dir = `${MAILDIR}/.mxlab-batch-${++this.batch}`;
    const n = Number((await execOk(this.c, ['sh', '-c', `mkdir -p "$1" && find "$2/new" -type f -exec mv {} "$1/" \\; && ls "$1" | wc -l`, 'sh', dir, MAILDIR], 'reading the maildir')).trim());
    if (!n) return;
    const tar = await this.c.container.copyArchiveFromContainer(dir);
    const trace = this.adapter.receiver?.trace ?? ['received'];
    await new Promise<void>((resolve, reject) => {
      const x = extract();
      x.on('entry', (header, stream, next) => {
        const chunks: Buffer[] = [];
        stream.on("data", (d) => chunks.push(d as Buffer));
        stream.on('end', () => {
          if (header.type === 'file') {
            const s = readStored(Buffer.concat(chunks), trace);
            if (s.id) this.stored.set(s.id, s);
            else if (s.messageId) this.byMessageId.set(s.messageId, [...(this.byMessageId.get(s.messageId) ?? []), s]);
          }
          next();
        });
        stream.resume();
      });
      x.on('finish', resolve);
      x.on('error', reject);
      (tar as NodeJS.ReadableStream).pipe(x);
    });
    void this.c.container.exec(['rm', '-rf', dir]).catch(() => undefined);
  }
}
