import { createHash } from 'node:crypto';
import type { MtaStsMode } from '../vocabulary.js';

/**
 * MTA-STS (RFC 8461) as data: the policy a lab zone publishes, its `_mta-sts` TXT record, and the
 * parsing and MX matching a sender applies. Written here rather than taken from mailauth: its
 * MTA-STS helpers fetch from port 443 with the system CAs only (the lab serves policies on
 * loopback ports with the run CA) and its MX match lets `*.example.com` match more than one label,
 * which RFC 8461 §4.1 forbids; mx-connect, the other candidate, is EUPL-licensed and needs Node 22.
 */

export interface MtaStsPolicy {
  mode: MtaStsMode;
  /** host patterns (RFC 8461 §3.2 `mx`), lower-case */
  mx: string[];
  /** seconds */
  maxAge: number;
}

/** The policy file (RFC 8461 §3.2): `key: value` lines separated by CRLF. */
export function policyText(p: MtaStsPolicy): string {
  return ['version: STSv1', `mode: ${p.mode}`, ...p.mx.map((m) => `mx: ${m}`), `max_age: ${p.maxAge}`, ''].join('\r\n');
}

/** A policy id (RFC 8461 §3.1: 1–32 alphanumerics) that changes whenever the policy does. */
export function policyId(p: MtaStsPolicy): string {
  return createHash('sha256').update(policyText(p)).digest('hex').slice(0, 20);
}

/** The `_mta-sts.<domain>` TXT record (RFC 8461 §3.1). */
export function stsRecord(id: string): string {
  return `v=STSv1; id=${id}`;
}

/**
 * The id of the one `v=STSv1` record among a domain's `_mta-sts` TXT strings, or undefined: records
 * not starting `v=STSv1;` are discarded, and anything but exactly one valid record means the domain
 * has no policy (RFC 8461 §3.1).
 */
export function stsRecordId(txt: string[]): string | undefined {
  const sts = txt.filter((t) => /^v=STSv1;/.test(t));
  if (sts.length !== 1) return undefined;
  const fields = new Map(sts[0].split(';').map((f) => f.trim()).filter(Boolean).map((f) => [f.slice(0, f.indexOf('=')).trim(), f.slice(f.indexOf('=') + 1).trim()] as const));
  const id = fields.get('id');
  return id && /^[A-Za-z0-9]{1,32}$/.test(id) ? id : undefined;
}

/** RFC 8461 §3.2: the policy file parsed; unknown keys ignored; an invalid file is an error (no policy). */
export function parsePolicy(text: string): MtaStsPolicy | { error: string } {
  const fields: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    if (at < 0) return { error: `not a key: value line: ${JSON.stringify(line.slice(0, 80))}` };
    fields.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  const one = (k: string) => fields.find(([key]) => key === k)?.[1];
  if (one('version') !== 'STSv1') return { error: 'version is not STSv1' };
  const mode = one('mode');
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') return { error: `mode is ${JSON.stringify(mode ?? '')}, not enforce, testing or none` };
  const ageText = one('max_age') ?? '';
  const maxAge = /^\d{1,10}$/.test(ageText) ? Number(ageText) : NaN;
  if (!(maxAge >= 0 && maxAge <= 31_557_600)) return { error: `max_age is ${JSON.stringify(ageText)}, not 0 to 31557600` };
  const mx = fields.filter(([k]) => k === 'mx').map(([, v]) => v.toLowerCase());
  if (mode !== 'none' && !mx.length) return { error: 'no mx line' };
  return { mode, mx, maxAge };
}

/**
 * RFC 8461 §4.1: an MX host matches a pattern exactly, or a `*.` pattern whose wildcard stands for
 * exactly one leftmost label (`*.example.com` matches `mx1.example.com`, not `a.b.example.com`).
 */
export function mxMatches(host: string, patterns: string[]): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.find((p) => {
    const pat = p.toLowerCase().replace(/\.$/, '');
    if (!pat.startsWith('*.')) return pat === h;
    const dot = h.indexOf('.');
    return dot > 0 && h.slice(dot + 1) === pat.slice(2);
  });
}

export const POLICY_PATH = '/.well-known/mta-sts.txt';
/** RFC 8461 §3.3: senders may cap the policy body; 64 KiB is the RFC's example limit. */
export const POLICY_MAX_BYTES = 64 * 1024;
