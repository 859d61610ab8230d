import { randomBytes, X509Certificate } from 'node:crypto';
import type { TlsFault } from '../vocabulary.js';

/**
 * Key material for one run: a run CA (trusted by `tls: verify` senders) and one EC leaf it signs,
 * valid for every receiver hostname. Receivers with a `tls-fault` present a leaf made for that
 * fault (faultCertificate), made on first use and kept for the run.
 */
export interface RunCertificates {
  /** the leaf's private key (PEM) */
  key: string;
  /** the leaf certificate every correct receiver presents */
  cert: string;
  /** the run CA's certificate, trusted by `tls: verify` senders */
  ca: string;
  /** the run CA's private key; signs the fault leaves. Absent when the certificate came from files */
  caKey?: string;
  hostnames: string[];
}

export interface KeyPair {
  key: string;
  cert: string;
}

const DAY = 86_400_000;
type Attr = { name: string; value: string };

async function generate(attrs: Attr[], o: { notBefore: Date; notAfter: Date; ca?: KeyPair; isCa?: boolean; names?: string[] }): Promise<KeyPair> {
  // loaded on first use: selfsigned pulls in an X.509 stack that costs ~1 s to import
  const { generate: make } = await import('selfsigned');
  const names = o.names ?? [];
  const pems = await make(attrs, {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: o.notBefore,
    notAfterDate: o.notAfter,
    ...(o.ca ? { ca: o.ca } : {}),
    extensions: o.isCa
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
          {
            name: 'subjectAltName',
            altNames: [...names.map((value) => ({ type: 2 as const, value })), ...(names.includes('localhost') ? [{ type: 7 as const, ip: '127.0.0.1' }] : [])],
          },
        ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Makes the run's CA and leaf once (EC P-256: a few ms each, where RSA-2048 costs 1–2 s here).
 * Never written to disk by mxlab, never committed.
 */
export async function generateRunCertificates(hostnames: string[]): Promise<RunCertificates> {
  const names = [...new Set(['localhost', ...hostnames])];
  const now = Date.now();
  // a name of its own per run: a verifier must not take another run's CA for this one
  const ca = await generate([{ name: 'commonName', value: `mxlab run CA ${randomBytes(4).toString('hex')}` }, { name: 'organizationName', value: 'mxlab' }], { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), isCa: true });
  const leaf = await generate([{ name: 'commonName', value: names[1] ?? 'localhost' }], { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 7 * DAY), ca, names });
  return { key: leaf.key, cert: leaf.cert, ca: ca.cert, caKey: ca.key, hostnames: names };
}

/** What each certificate fault presents, and what a verifying client says about it (OpenSSL's words). */
export const CERT_FAULTS = {
  expired: 'certificate has expired',
  'not-yet-valid': 'certificate is not yet valid',
  'wrong-name': "Hostname/IP does not match certificate's altnames",
  'unknown-ca': 'unable to verify the first certificate',
  'self-signed': 'self-signed certificate',
} as const satisfies Partial<Record<TlsFault, string>>;
export type CertFault = keyof typeof CERT_FAULTS;

export function isCertFault(f: string | undefined): f is CertFault {
  return f !== undefined && Object.hasOwn(CERT_FAULTS, f);
}

const made = new WeakMap<RunCertificates, Map<string, Promise<KeyPair>>>();

/**
 * The certificate a receiver with `fault` presents: the run's leaf for `none` and the handshake
 * faults; for a certificate fault a leaf made for it (once per run and fault). `expired`,
 * `not-yet-valid` and `wrong-name` are signed by the run CA (so the fault is the only thing wrong),
 * `unknown-ca` by a CA nobody trusts, `self-signed` by itself.
 */
export function faultCertificate(run: RunCertificates, fault: TlsFault | undefined): Promise<KeyPair> {
  if (!isCertFault(fault)) return Promise.resolve({ key: run.key, cert: run.cert });
  let byFault = made.get(run);
  if (!byFault) made.set(run, (byFault = new Map()));
  let p = byFault.get(fault);
  if (!p) {
    p = makeFault(run, fault);
    byFault.set(fault, p);
  }
  return p;
}

async function makeFault(run: RunCertificates, fault: CertFault): Promise<KeyPair> {
  const now = Date.now();
  const cn = [{ name: 'commonName', value: run.hostnames[1] ?? 'localhost' }];
  const valid = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 7 * DAY), names: run.hostnames };
  const runCa = (): KeyPair => {
    if (!run.caKey) throw new Error(`a ${fault} certificate needs the run CA's key (certificates read from files have none)`);
    return { key: run.caKey, cert: run.ca };
  };
  switch (fault) {
    case 'expired':
      return generate(cn, { ...valid, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY), ca: runCa() });
    case 'not-yet-valid':
      return generate(cn, { ...valid, notBefore: new Date(now + 10 * DAY), notAfter: new Date(now + 40 * DAY), ca: runCa() });
    case 'wrong-name':
      return generate([{ name: 'commonName', value: 'wrong-name.invalid' }], { ...valid, names: ['wrong-name.invalid', 'mx.wrong-name.invalid'], ca: runCa() });
    case 'unknown-ca': {
      const other = await generate([{ name: 'commonName', value: `mxlab unknown CA ${randomBytes(4).toString('hex')}` }], { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), isCa: true });
      return generate(cn, { ...valid, ca: other });
    }
    case 'self-signed':
      return generate(cn, valid);
  }
}

/**
 * What a server sends as its chain: the leaf followed by the run CA when the run CA issued it (real
 * servers send their issuers; DANE-TA records name a certificate the chain must carry, RFC 7671
 * §5.2.2), the leaf alone otherwise (unknown-ca, self-signed).
 */
export function presentedChain(run: RunCertificates, pair: KeyPair): string {
  // a chain already (a certificate file with its issuers), its own CA, or no CA to add
  if (!run.ca || run.ca.trim() === pair.cert.trim() || (pair.cert.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length > 1) return pair.cert;
  try {
    return new X509Certificate(pair.cert).checkIssued(new X509Certificate(run.ca)) ? `${pair.cert.trimEnd()}\n${run.ca}` : pair.cert;
  } catch {
    return pair.cert;
  }
}
