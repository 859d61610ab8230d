import type { SenderTls } from '../../../vocabulary.js';
import type { Outcome, Reason } from '../../../model/result.js';
import type { ImageName } from '../../../images/catalog.js';
import type { MtaConfig } from '../../../scenario/schema.js';
import type { RealMta } from '../../../vocabulary.js';
import type { LineLog } from '../line-log.js';

/**
 * One real-MTA node's settings: what the environment contract (containers/README.md) carries
 * into its container as MXLAB_* variables. A record other issues extend (a resolver address,
 * DANE and MTA-STS settings, retry timers): a new field becomes a new variable.
 */
export interface MtaSettings {
  role: 'sender' | 'receiver';
  /** EHLO / banner name */
  hostname: string;
  /** sender: none | opportunistic | required | verify; receiver: off | preferred | required */
  tls: string;
  /** sender: the next hop as host:port; the host is the receiver's name, resolvable in the container to the next hop */
  relay?: string;
  /** sender: the certificate name `verify` checks (the receiver's hostname) */
  tlsName?: string;
  /** the message size limit in bytes */
  maxSize: number;
  /** sender: per-step SMTP timeout in seconds */
  timeoutS?: number;
  /** more MXLAB_* variables, e.g. { RETRY_S: '5' } → MXLAB_RETRY_S=5 */
  extra?: Record<string, string>;
  /** sender: the lab resolver's address, its only nameserver (DNSSEC-aware: it trusts the AD bit); with it, no relay: routing by MX */
  resolver?: string;
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
  /** how many messages with the same from and to were submitted before it in this batch */
  nth?: number;
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
  /** the local port of the connection that carried it, when the MTA logs one (Exim +outgoing_interface) */
  localPort?: number;
  /** the greeting the MTA sent and why, when its log says (e.g. Postfix's PIX workaround) */
  greeting?: { verb: 'EHLO' | 'HELO'; why: string };
  /** the address its last connection for the message went to (from its log), to find the path it took */
  relayAddress?: string;
}

/** The sending side of a real MTA: submission, and reading each message's outcome from its log. */
export interface MtaSender {
  /** submit one message at a time, in order (an MTA whose log names no Message-ID: see `nth`) */
  sequential?: boolean;
  /** argv (run in the container) that submits the message in the file at `file` */
  submit(m: SubmittedMessage, file: string): string[];
  /** follows the log from line `from` until the message is delivered, deferred or bounced */
  follow(logs: LineLog, from: number, m: SubmittedMessage, timeoutMs: number, signal?: AbortSignal): Promise<MtaVerdict>;
  /** argv that removes a message left in the queue (deferred), so it is not retried */
  drop(queueId: string): string[];
  /** argv that makes the MTA try everything queued now (Postfix `postqueue -f`, Exim `exim -qff`, `smtpctl schedule all`) */
  flush?: string[];
  /**
   * A queue the scenario clock drives (a sender with `retry:`): the MXLAB_* variables that keep a
   * deferred message queued with short backoff timers and no queue runs of the MTA's own, the argv
   * that tries one queued message now, and how to read that attempt's outcome from the log
   * (attempts come from the log).
   */
  queue?: {
    /** more MXLAB_* variables (MtaSettings.extra), e.g. { RETRY_S: '10' } */
    extra: Record<string, string>;
    /**
     * real ms since the first deferral was read before a forced run behaves like the MTA's own retry
     * (Postfix falls back to plaintext after a failed handshake only once the message waited
     * minimal_backoff_time): a retry sooner than that waits for it
     */
    minAgeMs?: number;
    /** argv that tries the message now (Postfix `postqueue -i`, Exim `exim -M`, OpenSMTPD `smtpctl schedule`) */
    run(queueId: string): string[];
    /** follows the log from line `from` for the outcome of the next attempt of the queued message */
    follow(logs: LineLog, from: number, m: SubmittedMessage, queueId: string, timeoutMs: number, signal?: AbortSignal): Promise<MtaVerdict>;
  };
}

/** The receiving side of a real MTA: how to read what it got from the message it stored. */
export interface MtaReceiver {
  /**
   * The header fields the MTA put on top of a stored message (its own trace): mxlab removes them
   * to get the message as received in DATA. Lower-case names, in the order they appear on top,
   * e.g. ['received'] for a Received: field that the MTA prepended.
   */
  trace: readonly string[];
  /** its queue id, from its own Received: field */
  queueId(received: string): string | undefined;
  /** the client port of that queue id's connection, from its log */
  clientPort(log: readonly string[], queueId: string): number | undefined;
}

/** One real MTA, both roles: image, configuration through the environment contract, readiness, version. */
export interface MtaAdapter {
  name: RealMta;
  /** the image mxlab builds for it (containers/<image>); none for `generic` (the node's image: or build:) */
  image?: ImageName;
  /** containers/<dir>/entrypoint.sh is copied in and run as the entrypoint (any image: yours too); none: the image's own */
  entrypoint?: string;
  /** a log line that says the daemon is up */
  ready: RegExp;
  /** a log line that says the daemon runs with the configuration `entrypoint.sh reconfigure` wrote (reuse across cells) */
  reloaded?: RegExp;
  /** argv that prints the MTA's version, and how to read it */
  version: { argv: string[]; parse(out: string): string };
  /** the node's `config:` as the lines of the file MXLAB_CONFIG_FILE points at */
  configLines(config: MtaConfig): string[];
  sender?: MtaSender;
  receiver?: MtaReceiver;
}
