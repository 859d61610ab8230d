import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { createSecureContext, type DetailedPeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import { daneCheck } from '../../dns/tlsa.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { ClientView, TranscriptEntry } from '../../model/result.js';
import { closeSocket } from './close-socket.js';
import { classifyError, tlsErrorText, type SmtpErrorLike } from './classify.js';
import { has8bit } from './eml.js';
import { announcedSize, messageStream, type Content, type Sent } from './message.js';
import { mtaLog } from './mta-log.js';
import { onTlsSocket, socketOf } from './nodemailer-internals.js';
import { advertisesStartTls, plaintextVerdict, shouldSendStartTls, tlsRequired, type TlsPlan, type Verdict } from './policy.js';
import type { DeliveryTarget, MessageSpec, SenderOptions, StartTlsMode } from './types.js';
import { WireLog, type ReplyEvent } from './wire-log.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** How long a closing socket may take before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

export interface AttemptInput {
  sender: SenderOptions;
  message: MessageSpec;
  target: DeliveryTarget;
  /** the STARTTLS mode of this connection (a plaintext retry uses `never`) */
  startTls: StartTlsMode;
  /** what this connection does about TLS (the sender's policy, or what DANE / MTA-STS made of it for this host) */
  tls: TlsPlan;
  /** the message: generated headers and body, or an eml's bytes */
  content: Content;
}

export interface AttemptResult extends Verdict {
  tls: boolean;
  keylog?: string[];
  clientView: ClientView;
  helo?: { ehloReply: string[]; heloReply: string[] };
  transcript: TranscriptEntry[];
  localPort?: number;
  log: string[];
  /** the message's size and hash as handed to SMTP (when DATA was reached) */
  sent?: Sent;
}

/** One connection: greeting, EHLO/HELO, TLS per policy, one message, QUIT. Never rejects. */
export function attempt(input: AttemptInput): Promise<AttemptResult> {
  return new Promise((resolve) => new Attempt(input, resolve).start());
}

class Attempt {
  private readonly conn: SMTPConnection;
  private readonly wire: WireLog;
  private readonly log: string[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timeout: number;
  private handshaking = false;
  private verdict?: Verdict;
  private secureAtVerdict = false;
  private finishing = false;
  /** the message's size and hash, once DATA began */
  private sent?: () => Sent;

  constructor(
    private readonly input: AttemptInput,
    private readonly resolve: (r: AttemptResult) => void,
  ) {
    const { sender, target } = input;
    this.timeout = sender.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.wire = new WireLog(sender.clock, () => this.conn?.secure === true);
    const verify = input.tls.mode === 'verify';
    // MTA-STS checks the certificate against the run CA itself, after the handshake (like DANE)
    const trust = verify || input.tls.sts !== undefined;
    this.conn = new SMTPConnection({
      host: target.host,
      port: target.port,
      secure: false,
      name: sender.hostname ?? `${sender.name}.example`,
      ...(target.servername ? { servername: target.servername } : {}),
      opportunisticTLS: true,
      ignoreTLS: input.startTls === 'never',
      transactionLog: true,
      logger: this.wire.logger,
      connectionTimeout: 3 * this.timeout, // connect + greeting + TLS handshake, each ≤ timeout
      greetingTimeout: this.timeout,
      socketTimeout: this.timeout,
      socketCloseTimeout: Math.min(this.timeout, CLOSE_GRACE_MS),
      tls: {
        secureContext: secureContextFor(trust ? sender.ca : undefined, !trust),
        rejectUnauthorized: verify,
        ...(verify && sender.ca ? { ca: sender.ca } : {}),
        ...(target.servername ? { servername: target.servername } : {}),
      },
    });
    this.wire.onReply = (e) => this.onReply(e);
    this.wire.onUpgraded = () => this.onUpgraded();
    if (sender.keylog) this.recordKeys();
  }

  private readonly keylog: string[] = [];

  /** The TLS socket nodemailer makes for STARTTLS logs its keys: listened to in the same tick it is made, before any key exists. */
  private recordKeys(): void {
    onTlsSocket(this.conn, (socket) => socket.on('keylog', (line: Buffer) => this.keylog.push(line.toString('latin1').trimEnd())));
  }

  start(): void {
    const { host, port } = this.input.target;
    this.wire.note(`<connect ${host}:${port}>`);
    this.conn.on('error', (err: SmtpErrorLike) => this.fail(err));
    try {
      this.conn.connect((err) => (err ? this.fail(err) : this.ready()));
    } catch (err) {
      this.fail(err as SmtpErrorLike);
    }
  }

  private get dcid(): number {
    return this.wire.localPort ?? 0;
  }

  /** Runs before nodemailer acts on the reply: the TLS policy decides what it does next. */
  private onReply({ command, lines, tls }: ReplyEvent): void {
    this.track();
    const { target, tls: plan } = this.input;
    const ok = /^2/.test(lines[0] ?? '');
    if (command === '<greeting>') this.log.push(mtaLog.connect(this.dcid, target.host, target.port, target.node));
    if (command === 'EHLO' && !tls && ok) {
      const send = shouldSendStartTls(plan.mode, this.input.startTls, advertisesStartTls(lines));
      this.conn.options.requireTLS = send; // nodemailer sends STARTTLS when required, advertised or not
      this.conn.options.ignoreTLS = !send;
      if (!send && this.input.startTls !== 'never' && plan.mode !== 'none' && !advertisesStartTls(lines)) {
        this.log.push(mtaLog.tlsNotOffered(this.dcid, tlsRequired(plan.mode)));
      }
    } else if (command === 'EHLO') {
      this.conn.options.requireTLS = false; // let nodemailer fall back to HELO
      if (!ok && !tls) this.log.push(mtaLog.heloFallback(this.dcid, lines.join('\n')));
    }
    if (command === 'STARTTLS') {
      this.handshaking = /^220/.test(lines[lines.length - 1] ?? '');
      if (!this.handshaking) this.log.push(mtaLog.tlsRefused(this.dcid, lines.join('\n'), tlsRequired(plan.mode)));
    }
  }

  private onUpgraded(): void {
    this.handshaking = false;
    this.track();
    const socket = socketOf(this.conn) as TLSSocket;
    const protocol = socket.getProtocol?.() ?? 'unknown';
    const cipher = socket.getCipher?.()?.name ?? 'unknown';
    this.wire.note(`<TLS handshake ${protocol} ${cipher}>`);
    this.log.push(mtaLog.tlsSuccess(this.dcid, protocol, cipher));
    const failed = this.authenticate(socket, protocol);
    if (failed) this.decide(failed);
  }

  /** DANE (RFC 7672 §3) and MTA-STS (RFC 8461 §4.2) checks of the certificate the server presented. */
  private authenticate(socket: TLSSocket, protocol: string): Verdict | undefined {
    const { dane, sts } = this.input.tls;
    if (dane) {
      const r = daneCheck(peerChain(socket), dane.records, dane.names);
      this.wire.note(`<DANE: ${r.ok ? r.match : r.why}>`);
      this.log.push(mtaLog.dane(this.dcid, r.ok ? r.match : r.why, r.ok));
      if (!r.ok) return { outcome: 'deferred', reason: 'dane-mismatch', detail: `DANE: ${r.why}` };
    }
    if (sts) {
      const problem = stsProblem(socket, protocol, sts.host);
      const what = problem ?? `certificate valid for ${sts.host}`;
      this.wire.note(`<MTA-STS ${sts.mode}: ${what}>`);
      this.log.push(mtaLog.sts(this.dcid, sts.domain, sts.mode, what, !problem));
      if (problem && sts.mode === 'enforce') return { outcome: 'deferred', reason: 'mta-sts-policy', detail: `MTA-STS policy of ${sts.domain} (enforce): ${problem}` };
    }
    return undefined;
  }

  /** The session is ready for MAIL (EHLO/HELO done, TLS as negotiated). */
  private ready(): void {
    if (this.verdict) return; // decided after the handshake (DANE, MTA-STS)
    const { message, content } = this.input;
    const refusal = this.conn.secure ? undefined : plaintextVerdict(this.input.tls, this.wire.view.starttls);
    if (refusal) return this.decide(refusal);
    const sts = this.input.tls.sts;
    if (sts && !this.conn.secure) this.log.push(mtaLog.sts(this.dcid, sts.domain, sts.mode, `no TLS (${this.wire.view.starttls ? `STARTTLS refused: ${this.wire.view.starttls}` : 'STARTTLS not offered'}); delivering anyway (testing mode reports only)`, false));
    this.log.push(mtaLog.deliveryStart(this.dcid, message.id));
    const wire = this.wire;
    const { stream, sent } = messageStream(content, {
      onChunk: (chunk) => wire.body(chunk),
      onEnd: () => wire.endOfData(),
    });
    this.sent = sent;
    // an 8-bit message says so (BODY=8BITMIME) when the server offers 8BITMIME, as MTAs do
    const envelope = { from: message.from, to: message.rcpt ?? [message.to], size: announcedSize(content), use8BitMime: content.kind === 'eml' ? has8bit(content.bytes) : content.headers.some((h) => /[^\x00-\x7f]/.test(h.value)) };
    this.conn.send(envelope, stream, (err, info) => {
      if (err) return this.fail(err);
      const reply = typeof info?.response === 'string' ? info.response : '250';
      this.log.push(mtaLog.done(this.dcid, message.id, reply));
      this.decide({ outcome: 'delivered', reason: 'ok', detail: reply });
    });
  }

  private fail(err: SmtpErrorLike): void {
    if (this.verdict) return; // a late error of a decided connection (e.g. during QUIT)
    const command = err.response ? this.wire.lastAnswered : this.wire.pending;
    const v = classifyError(err, { handshaking: this.handshaking, command });
    if (v.reason === 'tls-failed') this.log.push(mtaLog.tlsFailed(this.dcid, tlsErrorText(err)));
    if (!err.response) this.wire.recorder.note('s2c', `<${v.reason}: ${err.message}>`);
    this.decide(v);
  }

  /** Records the verdict once, then ends the session politely (QUIT) when it is still usable. */
  private decide(v: Verdict): void {
    if (this.verdict) return;
    this.verdict = v;
    this.secureAtVerdict = this.conn.secure === true;
    if (v.outcome !== 'delivered') {
      this.log.push(mtaLog.verdict(this.dcid, this.input.message.id, v, this.input.target.host, this.input.target.port));
    }
    setImmediate(() => this.quit());
  }

  private quit(): void {
    if (this.conn.destroyed) return void this.finish();
    const timer = setTimeout(() => this.conn.close(), Math.min(this.timeout, CLOSE_GRACE_MS));
    this.conn.once('end', () => {
      clearTimeout(timer);
      void this.finish();
    });
    this.conn.quit();
  }

  /** Waits for every socket of the connection to close (destroying stragglers), then resolves. */
  private async finish(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    this.track();
    await Promise.all([...this.sockets].map((s) => closeSocket(s, Math.min(this.timeout, CLOSE_GRACE_MS))));
    this.log.push(mtaLog.close(this.dcid));
    this.wire.recorder.end();
    const v = this.verdict!;
    this.resolve({
      ...v,
      tls: this.secureAtVerdict,
      clientView: this.wire.view,
      ...(this.wire.helo ? { helo: this.wire.helo } : {}),
      transcript: this.wire.recorder.entries,
      ...(this.input.sender.keylog ? { keylog: this.keylog } : {}),
      ...(this.wire.localPort !== undefined ? { localPort: this.wire.localPort } : {}),
      ...(this.sent ? { sent: this.sent() } : {}),
      log: this.log,
    });
  }

  private track(): void {
    const s = socketOf(this.conn);
    if (s) this.sockets.add(s);
  }
}

/** The chain the server sent, leaf first (Node links it through issuerCertificate; a self-issued end stops it). */
function peerChain(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  let c = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  while (c?.raw && out.length < 10) {
    out.push(new X509Certificate(c.raw));
    if (!c.issuerCertificate || c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  return out;
}

/** Why the certificate fails MTA-STS (RFC 8461 §4.2: PKIX-valid for the MX host, TLS 1.2 or later), or undefined. */
function stsProblem(socket: TLSSocket, protocol: string, host: string): string | undefined {
  if (!/^TLSv1\.[23]$/.test(protocol)) return `${protocol} is older than TLS 1.2`;
  if (!socket.authorized) return `certificate not trusted (${String(socket.authorizationError)})`;
  const leaf = socket.getPeerX509Certificate?.();
  if (!leaf || leaf.checkHost(host, { wildcards: true, partialWildcards: false }) === undefined) return `certificate does not name ${host}`;
  return undefined;
}

/**
 * One TLS client context per trusted CA, shared by every connection (a new one per connection costs
 * ~0.45 ms). Without verification (`opportunistic`, `required`) any protocol down to TLS 1.0 and any
 * cipher is taken, as Postfix `may`/`encrypt` and Exim do (encryption of any strength beats plaintext,
 * Postfix TLS_README); `verify` keeps OpenSSL's defaults (TLS 1.2 and up), as Postfix `verify` did.
 */
const contexts = new Map<string, SecureContext>();
function secureContextFor(ca: string | undefined, legacy: boolean): SecureContext {
  const key = `${legacy ? 'legacy:' : ''}${ca ?? ''}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createSecureContext({ ...(ca ? { ca } : {}), ...(legacy ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}) });
    if (contexts.size < 64) contexts.set(key, ctx);
  }
  return ctx;
}
