import { createSign, generateKeyPairSync } from 'node:crypto';
import { relaxedHeader, RelaxedBodyHash } from './dkim-canon.js';
import { bodyChunks, type Header } from './message.js';
import type { DkimKey } from './types.js';

/** Signed header fields, in this order; Content-Type is the one the seed's PIX bug cares about. */
export const DKIM_SIGNED_HEADERS = ['From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version', 'Content-Type'];

/** An RSA signing key (make it once per run: RSA-2048 generation costs about a second). */
export function createDkimKey(domain: string, selector = 'mxlab', bits: 1024 | 2048 = 1024): DkimKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const p = publicKey.replace(/-----[^-]+-----|\s/g, '');
  return { domain, selector, privateKey, publicKey, dnsRecord: `v=DKIM1; k=rsa; p=${p}` };
}

/**
 * The run's key as the sender of `from` signs with it: d= is the sender's own domain, as a real
 * signer's would be (one key per run, whatever the domain; the same on every runtime).
 */
export function signingKeyFor(key: DkimKey, from: string): DkimKey {
  const domain = from.split('@').pop();
  return domain ? { ...key, domain } : key;
}

/** Body hash of the generated body, computed by generating it once more (never stored). */
export function generatedBodyHash(id: string, size?: number): string {
  const hasher = new RelaxedBodyHash();
  for (const chunk of bodyChunks(id, size)) hasher.update(chunk);
  return hasher.digest();
}

/**
 * A real DKIM-Signature header (rsa-sha256, relaxed/relaxed) over `headers`, folded the way
 * signing MTAs fold it: one tag group per line, `b=` split over several lines.
 */
export function dkimSignature(headers: Header[], bodyHash: string, key: DkimKey, unixTime: number): Header {
  const signed = DKIM_SIGNED_HEADERS.filter((name) => findLast(headers, name));
  const value =
    `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${key.domain}; s=${key.selector};\r\n` +
    `\tt=${Math.floor(unixTime)}; h=${signed.join(':')};\r\n` +
    `\tbh=${bodyHash};\r\n` +
    `\tb=`;
  const signer = createSign('RSA-SHA256');
  for (const name of signed) {
    const h = findLast(headers, name)!;
    signer.update(relaxedHeader(h.name, h.value), 'utf8');
  }
  signer.update(relaxedHeader('DKIM-Signature', value).replace(/\r\n$/, ''), 'utf8');
  const b = signer.sign(key.privateKey, 'base64');
  const folded = b.match(/.{1,72}/g)!.join('\r\n\t ');
  return { name: 'DKIM-Signature', value: value + folded };
}

/** The last instance of a header is the one a verifier picks first (RFC 6376 §5.4.2). */
function findLast(headers: Header[], name: string): Header | undefined {
  const lower = name.toLowerCase();
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i].name.toLowerCase() === lower) return headers[i];
  return undefined;
}
