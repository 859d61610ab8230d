import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeContainerSpec } from '../src/runtime/docker/containers.js';
import { envFile, fitOf } from '../src/runtime/docker/reuse.js';

const firewall = (profile: string, origin = 1000): NodeContainerSpec => ({
  node: 'fw',
  name: 'mxlab-x-fw',
  image: 'mxlab/node:1',
  network: 'mxlab-x-inside',
  extraNetworks: ['mxlab-x-outside'],
  labels: {},
  command: ['proxy', '--profile', '/etc/mxlab/firewall-profile.json', '--upstream', 'mxlab-x-esa:25', '--json', '--epoch-origin', String(origin)],
  files: [{ content: profile, target: '/etc/mxlab/firewall-profile.json' }],
  ready: /"type":"ready"/,
  origin,
  reload: { how: 'signal' },
});

const mta = (env: Record<string, string>, image = 'mxlab/postfix:1'): NodeContainerSpec => ({
  node: 'pf',
  name: 'mxlab-x-pf',
  image,
  network: 'mxlab-x-outside',
  labels: {},
  env: { MXLAB_ROLE: 'sender', ...env },
  entrypoint: ['/bin/sh', '/usr/local/bin/mxlab-entrypoint'],
  files: [{ content: 'ca', target: '/etc/mxlab/tls/ca.pem' }],
  ready: /daemon started/,
  reload: { how: 'mta', entrypoint: '/usr/local/bin/mxlab-entrypoint', reloaded: /reload -- / },
});

/** What a later matrix cell does with a container an earlier cell left (issue 11, item 5). */
describe('docker runtime: reusing a container for the next cell', () => {
  it('a firewall whose device changed reloads; its epoch origin alone changes nothing; another upstream is a new container', () => {
    expect(fitOf(firewall('{"asa"}'), firewall('{"asa"}', 5000))).toBe('same');
    expect(fitOf(firewall('{"asa"}'), firewall('{"pix"}', 5000))).toBe('reload');
    const other = firewall('{"asa"}');
    other.command = other.command!.map((a) => a.replace('mxlab-x-esa', 'mxlab-x-mx2'));
    expect(fitOf(firewall('{"asa"}'), other)).toBe('recreate');
  });

  it('a real MTA reloads another environment contract or config, but not another image or role; without a reload a change is a new container, and a generic MTA is never reused', () => {
    expect(fitOf(mta({ MXLAB_TLS: 'opportunistic' }), mta({ MXLAB_TLS: 'opportunistic' }))).toBe('same');
    expect(fitOf(mta({ MXLAB_TLS: 'opportunistic' }), mta({ MXLAB_TLS: 'required', MXLAB_CONFIG_FILE: '/etc/mxlab/config' }))).toBe('reload');
    expect(fitOf(mta({}), mta({}, 'mxlab/exim:1'))).toBe('recreate');
    expect(fitOf(mta({}), mta({ MXLAB_ROLE: 'receiver' }))).toBe('recreate');
    // without a reload, a change is a new container; a generic MTA (nothing empties its queue) always is
    const plain = (tls: string) => ({ ...mta({ MXLAB_TLS: tls }), reload: undefined });
    expect(fitOf(plain('opportunistic'), plain('opportunistic'))).toBe('same');
    expect(fitOf(plain('opportunistic'), plain('required'))).toBe('recreate');
    const generic = (tls: string) => ({ ...mta({ MXLAB_TLS: tls }), reload: { how: 'never' as const } });
    expect(fitOf(generic('opportunistic'), generic('opportunistic'))).toBe('recreate');
  });

  it("the env file a reconfigure sources unsets the start's MXLAB_* variables and quotes every value", () => {
    const file = envFile({ MXLAB_TLS: 'required', MXLAB_HOSTNAME: "o'hare.example" });
    const dir = mkdtempSync(join(tmpdir(), 'mxlab-env-'));
    writeFileSync(join(dir, 'env'), file);
    const out = execFileSync('sh', ['-c', `. "$1"; env | grep '^MXLAB_' | sort`, 'sh', join(dir, 'env')], {
      env: { PATH: process.env.PATH, MXLAB_CONFIG_FILE: '/etc/mxlab/config', MXLAB_TLS: 'none' },
      encoding: 'utf8',
    });
    rmSync(dir, { recursive: true });
    expect(out.trim().split('\n')).toEqual(["MXLAB_HOSTNAME=o'hare.example", 'MXLAB_TLS=required']);
  });
});
