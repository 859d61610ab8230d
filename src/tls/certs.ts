/** Key material for one run: a self-signed EC certificate valid for every receiver hostname. */
export interface RunCertificates {
  key: string;
  cert: string;
  /** the certificate itself, to be trusted by `tls: verify` senders */
  ca: string;
  hostnames: string[];
}

/**
 * Makes the run's certificate once (EC P-256: a few ms, where RSA-2048 costs 1–2 s here).
 * Never written to disk by mxlab, never committed.
 */
export async function generateRunCertificates(hostnames: string[]): Promise<RunCertificates> {
  const names = [...new Set(['localhost', ...hostnames])];
  // loaded on first use: selfsigned pulls in an X.509 stack that costs ~1 s to import
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: names[1] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 3_600_000),
    notAfterDate: new Date(Date.now() + 2 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, ca: pems.cert, hostnames: names };
}
