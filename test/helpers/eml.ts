import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { prng, randomBytes } from './hostile.js';

/** A 2048-bit RSA key pair in PEM, made per run (a DKIM signing key; nothing is committed). */
export function rsaKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
}

export interface SignedEmlOptions {
  privateKey: string;
  /** the DKIM selector (s=) */
  selector: string;
  /** the To: header and the envelope recipient */
  to: string;
  messageId: string;
  /** the attachment part's base64 text */
  attachment: string;
}

/**
 * A MIME message as an MUA writes it — an 8-bit text part with a lone-dot line and a `..` line, and a
 * base64 attachment — DKIM-signed (relaxed/relaxed, d=partner.example) by nodemailer's signer, whose
 * `h=` names Content-Type: the header the PIX 7.2(2) duplicate-header defect changes.
 */
export async function signedMultipartEml(o: SignedEmlOptions): Promise<Buffer> {
  const raw = [
    'From: Partner News <news@partner.example>',
    `To: ${o.to}`,
    'Subject: Weekly numbers',
    'Date: Mon, 02 Mar 2026 10:00:00 +0100',
    `Message-ID: <${o.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="part"',
    '',
    '--part',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße,',
    '.',
    '.. two dots',
    '--part',
    'Content-Type: application/octet-stream; name="n.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    o.attachment,
    '--part--',
    '',
  ].join('\r\n');
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, dkim: { domainName: 'partner.example', keySelector: o.selector, privateKey: o.privateKey } });
  const info = await t.sendMail({ raw: Buffer.from(raw, 'utf8'), envelope: { from: 'news@partner.example', to: [o.to] } });
  return info.message as Buffer;
}

/**
 * `n` random bytes (seeded: a failure replays) with a line feed at least every 512 bytes. Unbounded random
 * bytes have a header line over 998 octets in about 7% of 100 kB draws (144 of 2,000 measured), which the
 * ASA's default map drops as it should (match header line length gt 998): the verdict would depend on the draw.
 */
export function garbage(n: number, seed = 0x6a7b): Buffer {
  const b = randomBytes(prng(seed), n);
  for (let i = 511; i < n; i += 512) b[i] = 0x0a;
  return b;
}
