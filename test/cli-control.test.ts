import net from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servedAfterEach } from './helpers/serve.js';

/** The control signals of mxlab receiver / mxlab proxy (what a timeline step sends a node in a container). */
const serve = servedAfterEach();

/** The greeting and EHLO reply of one session, or the connection error. */
function ehlo(port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (/^220 /m.test(buf) && !buf.includes('EHLO sent')) {
        buf += 'EHLO sent\n';
        sock.write('EHLO c.example\r\n');
      }
      if (/^250 /m.test(buf)) {
        sock.end('QUIT\r\n');
        resolve(buf);
      }
    });
  });
}

describe('control signals', () => {
  it('receiver: SIGHUP reads --settings again, SIGUSR1 closes the port, SIGUSR2 opens it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxlab-control-'));
    const settings = join(dir, 'settings.json');
    writeFileSync(settings, '{}');
    const r = serve(['receiver', '--persona', 'postfix', '--listen', '127.0.0.1:0', '--json', '--settings', settings]);
    const port = (await r.line((l) => l.type === 'ready')).port as number;
    expect(await ehlo(port)).toContain('250-STARTTLS');
    writeFileSync(settings, JSON.stringify({ tls: 'off', size: 1000 }));
    r.child.kill('SIGHUP');
    await r.line((l) => l.type === 'reloaded');
    const after = await ehlo(port);
    expect(after).not.toContain('STARTTLS');
    expect(after).toContain('250-SIZE 1000');
    r.child.kill('SIGUSR1');
    await r.line((l) => l.type === 'stopped');
    expect(await ehlo(port)).toBe('ECONNREFUSED');
    r.child.kill('SIGUSR2');
    await r.line((l) => l.type === 'listening');
    expect(await ehlo(port)).toContain('250 ');
    writeFileSync(settings, JSON.stringify({ 'tls-fault': 'broken' }));
    r.child.kill('SIGHUP');
    const err = await r.line((l) => l.type === 'control-error');
    expect(err.message).toMatch(/^Failed to read --settings .*settings\.json: tls-fault must be one of none, expired, /);
  });

  it('proxy: SIGHUP reads --config again (new connections get the new rules)', async () => {
    const rcv = serve(['receiver', '--persona', 'asyncos', '--listen', '127.0.0.1:0', '--json']);
    const up = (await rcv.line((l) => l.type === 'ready')).port as number;
    const dir = mkdtempSync(join(tmpdir(), 'mxlab-control-'));
    const config = join(dir, 'fw.conf');
    writeFileSync(config, 'policy-map global_policy\n class inspection_default\n  inspect esmtp\n');
    const px = serve(['proxy', '--device', 'asa 9.12(4)', '--config', config, '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${up}`, '--json']);
    const port = (await px.line((l) => l.type === 'ready')).port as number;
    expect(await ehlo(port)).toContain('250 XXXXXXXA');
    writeFileSync(config, 'policy-map global_policy\n class inspection_default\n  no inspect esmtp\n');
    px.child.kill('SIGHUP');
    expect((await px.line((l) => l.type === 'reloaded')).what).toBe('asa 9.12(4)');
    expect(await ehlo(port)).toContain('250 STARTTLS');
    writeFileSync(config, 'policy-map type inspect esmtp m\n parameters\n  frobnicate\n');
    px.child.kill('SIGHUP');
    expect((await px.line((l) => l.type === 'control-error')).message).toMatch(/^Failed to start firewall "proxy": config:3:/);
    // the rules stay as they were
    expect(await ehlo(port)).toContain('250 STARTTLS');
  });
});
