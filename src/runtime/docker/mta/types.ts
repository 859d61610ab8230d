import type { SenderTls } from '../../../vocabulary.js';
import type { Outcome, Reason } from '../../../model/result.js';
import type { ImageName } from '../../../images/catalog.js';
import type { LineLog } from '../line-log.js';

export interface MtaSettings {
  /** EHLO / banner name */
  hostname: string;
  /** next hop as host:port (a container name on the cell's network) */
  relay: string;
  tls: SenderTls;
  /** the certificate name `verify` checks: the receiver's hostname */
  tlsMatch: string;
  timeoutS: number;
}

export interface SubmittedMessage {
  /** scenario message id */
  id: string;
  /** Message-ID header value without brackets */
  messageId: string;
  /** envelope sender ("" = the null sender) */
  from: string;
  /** the first envelope recipient */
  to: string;
  /** every envelope recipient */
  rcpt: string[];
}

/** argv of a sendmail-style submission: `-f FROM -- RCPT… < FILE` (the null sender as `<>`). */
export function sendmailArgv(binary: string, m: SubmittedMessage, file: string, flags: string[] = []): string[] {
  return ['sh', '-c', `f="$1"; file="$2"; shift 2; exec ${binary} ${flags.join(' ')} -f "$f" -- "$@" < "$file"`, 'sh', m.from === '' ? '<>' : m.from, file, ...m.rcpt];
}

/** What the MTA's own log says happened to one message. */
export interface MtaVerdict {
  outcome: Outcome;
  reason: Reason;
  tls: boolean;
  detail?: string;
  /** the MTA's log lines about this message */
  log: string[];
  /** the MTA's queue id, to drop a deferred message */
  queueId?: string;
}

/** One real MTA usable as a sender: how to configure, submit to, and read it. */
export interface MtaAdapter {
  image: ImageName;
  /** a log line that says the daemon is up */
  ready: RegExp;
  env(s: MtaSettings): Record<string, string>;
  /** argv (run in the container) that submits the message file at `file` */
  submit(m: SubmittedMessage, file: string): string[];
  /** follows the log from line `from` until the message is delivered, deferred or bounced */
  follow(logs: LineLog, from: number, m: SubmittedMessage, timeoutMs: number, signal?: AbortSignal): Promise<MtaVerdict>;
  /** argv that removes a message left in the queue (deferred), so it is not retried */
  drop(queueId: string): string[];
}
