import { describe, expect, it } from 'vitest';
import { dockerAvailable, leftovers, runDocker, session } from './helpers.js';

const docker = dockerAvailable();

describe.skipIf(!docker)('real MTAs in containers (Postfix, Exim, OpenSMTPD)', () => {
  it('Postfix: TLS when offered; `encrypt` deferred with its own "TLS is required" log line', async () => {
    const { result } = await runDocker(['test/docker/fixtures/postfix-direct.yaml']);
    const direct = session(result, 'direct');
    expect(direct).toMatchObject({ outcome: 'delivered', reason: 'ok', tls: true });
    expect(direct.log?.some((l) => /postfix\/smtp\[\d+\]: \w+: to=<postmaster@mx\.example\.com>.*status=sent/.test(l))).toBe(true);
    expect(direct.serverView).toMatchObject({ accepted: true, tls: true });
    expect(direct.serverView.headers).toContain('X-Mxlab-Message: direct');
    const noTls = session(result, 'no-tls');
    expect(noTls).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered', tls: false });
    expect(noTls.log?.some((l) => /status=deferred \(TLS is required, but was not offered by host/.test(l))).toBe(true);
    expect(noTls.serverView.accepted).toBe(false);
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('Exim and OpenSMTPD: TLS when offered, deferred tls-not-offered when required; their own log lines', async () => {
    const { result } = await runDocker(['test/docker/fixtures/mtas-to-postfix.yaml']);
    const eximTls = session(result, 'exim-tls');
    expect(eximTls).toMatchObject({ outcome: 'delivered', tls: true });
    expect(eximTls.log?.some((l) => / <= exim-may@exim-may\.example .*id=exim-tls@/.test(l))).toBe(true);
    expect(eximTls.log?.some((l) => / => postmaster@mx\.example\.com .*X=TLS/.test(l))).toBe(true);
    const eximNo = session(result, 'exim-no-tls');
    expect(eximNo).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered', tls: false });
    expect(eximNo.log?.some((l) => / == postmaster@plain\.example\.com .*TLS session is required/.test(l))).toBe(true);
    expect(session(result, 'smtpd-tls')).toMatchObject({ outcome: 'delivered', tls: true });
    const smtpdNo = session(result, 'smtpd-no-tls');
    expect(smtpdNo).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered', tls: false });
    expect(smtpdNo.log?.some((l) => /mta error reason=TLS required but not supported/.test(l))).toBe(true);
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });
});
