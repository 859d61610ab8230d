import type { Verdict } from './policy.js';

/**
 * Log lines worded like AsyncOS mail logs (`New SMTP DCID`, `TLS success`, `Message done`,
 * `Bounced:`, `Delayed:`), so scenario output reads like the ESA the seed note talks about.
 * DCID is the client socket's local port: it correlates with firewall and receiver records.
 */
export const mtaLog = {
  connect: (dcid: number, host: string, port: number, node: string) =>
    `New SMTP DCID ${dcid} address ${host} port ${port} (${node})`,
  tlsSuccess: (dcid: number, protocol: string, cipher: string) =>
    `DCID ${dcid} TLS success protocol ${protocol} cipher ${cipher}`,
  tlsNotOffered: (dcid: number, required: boolean) =>
    `DCID ${dcid} TLS ${required ? 'failed' : 'not used'}: STARTTLS command not supported`,
  tlsRefused: (dcid: number, reply: string, required: boolean) =>
    `DCID ${dcid} TLS failed: STARTTLS unexpected response ${oneLine(reply)}${required ? '' : ', continuing without TLS'}`,
  tlsFailed: (dcid: number, detail: string) => `DCID ${dcid} TLS failed: ${oneLine(detail)}`,
  heloFallback: (dcid: number, reply: string) => `DCID ${dcid} EHLO refused (${oneLine(reply)}), trying HELO`,
  deliveryStart: (dcid: number, mid: string) => `Delivery start DCID ${dcid} MID ${mid} to RID [0]`,
  done: (dcid: number, mid: string, reply: string) => `Message done DCID ${dcid} MID ${mid} to RID [0] (${oneLine(reply)})`,
  verdict: (dcid: number, mid: string, v: Verdict, host: string, port: number) => {
    const detail = oneLine(v.detail ?? '');
    if (v.outcome === 'bounced') return `Bounced: DCID ${dcid} MID ${mid} to RID 0 - ${v.reason} - ${detail}`;
    if (v.reason === 'rejected' || v.reason === 'tls-not-offered' || v.reason === 'starttls-refused') {
      return `Delayed: DCID ${dcid} MID ${mid} to RID 0 - ${v.reason} - ${detail}`;
    }
    return `Connection Error: DCID ${dcid} address ${host} port ${port} details: ${v.reason} (${detail})`;
  },
  retryPlain: (mid: string) => `MID ${mid} TLS handshake failed, retrying without TLS`,
  noPlainYet: (mid: string, never: boolean) =>
    never ? `MID ${mid} TLS handshake failed, not retrying without TLS (plaintext-fallback never)` : `MID ${mid} TLS handshake failed, deferred; the next attempt may go without TLS`,
  close: (dcid: number) => `DCID ${dcid} close`,
  dane: (dcid: number, what: string, ok: boolean) => `DCID ${dcid} DANE ${ok ? 'success' : 'failed'}: ${oneLine(what)}`,
  sts: (dcid: number, domain: string, mode: string, what: string, ok: boolean) => `DCID ${dcid} MTA-STS ${ok ? 'success' : 'failed'} (${domain}, ${mode}): ${oneLine(what)}`,
  mx: (mid: string, domain: string, hosts: string) => `MID ${mid} MX lookup for ${domain}: ${hosts}`,
  hostSkipped: (mid: string, host: string, why: string) => `MID ${mid} MX host ${host} skipped: ${oneLine(why)}`,
  tlsPlan: (mid: string, host: string, what: string) => `MID ${mid} TLS for ${host}: ${oneLine(what)}`,
  policy: (mid: string, domain: string, what: string) => `MID ${mid} MTA-STS policy for ${domain}: ${oneLine(what)}`,
};

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' / ');
}
