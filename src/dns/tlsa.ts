import { createHash, X509Certificate } from 'node:crypto';

/**
 * TLSA records (RFC 6698 §2) made from the run's certificates, and a certificate chain matched
 * against them the way an SMTP client does under DANE (RFC 7672 §3).
 */

export interface TlsaData {
  /** 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 7218) */
  usage: number;
  /** 0 the whole certificate, 1 its SubjectPublicKeyInfo */
  selector: number;
  /** 0 exact, 1 SHA-256, 2 SHA-512 */
  matchingType: number;
  /** hex */
  certificate: string;
}

/** The certificate association data of `cert` for a selector and matching type (RFC 6698 §2.1.2–2.1.3). */
export function associationData(cert: X509Certificate, selector: number, matchingType: number): string {
  const bytes = selector === 1 ? cert.publicKey.export({ type: 'spki', format: 'der' }) : cert.raw;
  if (matchingType === 1) return createHash('sha256').update(bytes).digest('hex');
  if (matchingType === 2) return createHash('sha512').update(bytes).digest('hex');
  return bytes.toString('hex');
}

/**
 * The records a `tlsa:` setting publishes for one host: `auto` is `3 1 1` of the certificate the
 * host presents (DANE-EE, SPKI, SHA-256: what RFC 7671 §8.1 recommends), `mismatch` the same form
 * with data no certificate has; records name their data as hex, `leaf` (the host's certificate) or
 * `ca` (the run CA).
 */
export function tlsaRecords(setting: 'auto' | 'mismatch' | string[], leafPem: string, caPem: string, host: string): TlsaData[] {
  if (setting === 'auto') setting = ['3 1 1 leaf'];
  if (setting === 'mismatch') return [{ usage: 3, selector: 1, matchingType: 1, certificate: createHash('sha256').update(`mxlab: no certificate has this key (${host})`).digest('hex') }];
  const leaf = new X509Certificate(leafPem);
  const ca = new X509Certificate(caPem);
  return setting.map((r) => {
    const [u, s, m, data] = r.trim().split(/\s+/);
    const usage = Number(u);
    const selector = Number(s);
    const matchingType = Number(m);
    const certificate = data === 'leaf' ? associationData(leaf, selector, matchingType) : data === 'ca' ? associationData(ca, selector, matchingType) : data.toLowerCase();
    return { usage, selector, matchingType, certificate };
  });
}

/**
 * RFC 7672 §3.1.3: only DANE-TA(2) and DANE-EE(3) with a known selector and matching type are
 * usable for SMTP; PKIX-TA(0) and PKIX-EE(1) records are not.
 */
export function usable(records: TlsaData[]): TlsaData[] {
  return records.filter((r) => (r.usage === 2 || r.usage === 3) && (r.selector === 0 || r.selector === 1) && r.matchingType >= 0 && r.matchingType <= 2);
}

export type DaneCheck = { ok: true; match: string } | { ok: false; why: string };

/**
 * Authenticates a chain (leaf first, as the server sent it) with usable TLSA records:
 * - DANE-EE(3) matches the leaf; its names and dates are not checked (RFC 7672 §3.1.1);
 * - DANE-TA(2) matches a certificate of the chain other than the leaf, the leaf must chain to it
 *   (each certificate signed by the next), be within its dates, and name one of `names` — the MX
 *   host and the next-hop domain (RFC 7672 §3.1.2, §3.2.2; wildcards as RFC 6125 §6.4.3).
 */
export function daneCheck(chain: X509Certificate[], records: TlsaData[], names: string[], now = new Date()): DaneCheck {
  const leaf = chain[0];
  if (!leaf) return { ok: false, why: 'the server sent no certificate' };
  const show = (r: TlsaData) => `${r.usage} ${r.selector} ${r.matchingType}`;
  for (const r of records.filter((x) => x.usage === 3)) {
    if (associationData(leaf, r.selector, r.matchingType) === r.certificate.toLowerCase()) return { ok: true, match: `DANE-EE ${show(r)} matched the server certificate` };
  }
  let why = records.some((r) => r.usage === 3) ? 'the server certificate matched no TLSA record' : '';
  for (const r of records.filter((x) => x.usage === 2)) {
    const at = chain.findIndex((c, i) => i > 0 && associationData(c, r.selector, r.matchingType) === r.certificate.toLowerCase());
    if (at < 0) {
      why ||= 'no certificate of the chain matched a DANE-TA record';
      continue;
    }
    for (let i = 0; i < at; i++) {
      if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) return { ok: false, why: `DANE-TA ${show(r)}: certificate ${i} is not signed by the trust anchor's chain` };
    }
    if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) return { ok: false, why: `DANE-TA ${show(r)}: the server certificate is outside its validity (${leaf.validFrom} – ${leaf.validTo})` };
    const name = names.find((n) => leaf.checkHost(n, { wildcards: true, partialWildcards: false, singleLabelSubdomains: false }) !== undefined);
    if (!name) return { ok: false, why: `DANE-TA ${show(r)}: the server certificate names none of ${names.join(', ')} (${leaf.subjectAltName ?? leaf.subject})` };
    return { ok: true, match: `DANE-TA ${show(r)} matched ${at === 0 ? 'the server certificate' : `chain certificate ${at}`}, name ${name}` };
  }
  return { ok: false, why: why || 'no usable TLSA record' };
}
