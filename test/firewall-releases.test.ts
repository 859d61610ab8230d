import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES, RELEASES, profileFromJson, resolveDevice, startFirewall, trainsOf } from '../src/actors/firewall/index.js';
import { ROOT, mxlab } from './helpers/cli.js';
import net from 'node:net';
import { once } from 'node:events';
import { lineClient, rawServer } from './helpers/raw-server.js';

const family = (d: string) => {
  const r = resolveDevice(d);
  return r.ok ? r.profile.family : r.errors[0].message;
};
const error = (d: string) => {
  const r = resolveDevice(d);
  if (r.ok) throw new Error(`${d} resolved to ${r.profile.family}`);
  return r.errors[0];
};

describe('the release table', () => {
  it('holds every PIX train from 4.0 to 8.0 and every ASA train from 7.0 to 9.22, in order', () => {
    expect(trainsOf('pix')).toEqual(['4.0', '4.1', '4.2', '4.3', '4.4', '5.0', '5.1', '5.2', '5.3', '6.0', '6.1', '6.2', '6.3', '7.0', '7.1', '7.2', '8.0']);
    expect(trainsOf('asa')).toEqual([
      ...['7.0', '7.1', '7.2', '8.0', '8.1', '8.2', '8.3', '8.4', '8.5', '8.6', '8.7'],
      ...['9.0', '9.1', '9.2', '9.3', '9.4', '9.5', '9.6', '9.7', '9.8', '9.9', '9.10', '9.12', '9.13', '9.14', '9.15', '9.16', '9.17', '9.18', '9.19', '9.20', '9.22'],
    ]);
  });

  it('every row resolves to the family it names, from its first release on', () => {
    for (const r of RELEASES) {
      const p = resolveDevice(`${r.product} ${r.from}${r.from.includes('(') ? '' : '(1)'}`);
      expect(p.ok && p.profile.family, `${r.product} ${r.from}`).toBe(r.family);
      expect(p.ok && p.profile.release?.from).toBe(r.from);
    }
  });

  it('interim builds fall between releases: the duplicate-header fix is in 7.2(2.19) and 8.0(2.7), allow-tls and the default map in 7.2(3) and 8.0(3)', () => {
    const defects = (d: string) => {
      const r = resolveDevice(d);
      return r.ok ? r.profile.release?.defects : r.errors;
    };
    expect(defects('pix 7.2(2)')).toEqual(['duplicate-header']);
    expect(defects('pix 7.2(2.18)')).toEqual(['duplicate-header']);
    expect(defects('pix 7.2(2.19)')).toEqual([]);
    expect(defects('asa 8.0(2)')).toEqual(['duplicate-header']);
    expect(defects('asa 8.0(2.7)')).toEqual([]);
    expect(family('asa 8.0(2.7)')).toBe('asa-inspect-classic');
    expect(family('asa 8.0(3)')).toBe('asa-default-map');
    // the device prints an interim build as 9.12(4)18
    const r = resolveDevice('asa 9.12(4)18');
    expect(r.ok && [r.profile.device, r.profile.release?.train]).toEqual(['asa 9.12(4.18)', '9.12']);
  });

  it('N.x is the newest train of N; a train without parentheses its newest row', () => {
    const rel = (d: string) => {
      const r = resolveDevice(d);
      return r.ok ? `${r.profile.release?.train} ${r.profile.release?.from}` : r.errors[0].message;
    };
    expect(rel('asa 9.x')).toBe('9.22 9.22');
    expect(rel('asa 8.x')).toBe('8.7 8.7');
    expect(rel('pix 8.0')).toBe('8.0 8.0(3)');
    expect(rel('pix 7.x')).toBe('7.2 7.2');
    expect(rel('pix 6.3(x)')).toBe('6.3 6.3');
  });

  it('a version no train holds is an error naming the nearest known releases', () => {
    expect(error('asa 99.1')).toEqual({
      line: 0,
      col: 5,
      message: 'unknown ASA version "99.1": there is no ASA 99.1 train (mxlab knows ASA 7.0–9.22)',
      hint: 'nearest known releases: "asa 9.22", "asa 9.20"',
    });
    expect(error('asa 10.0').hint).toBe('nearest known releases: "asa 9.22", "asa 9.20"');
    expect(error('pix 8.5(1)')).toMatchObject({
      message: 'unknown PIX version "8.5(1)": there is no PIX 8.5 train (mxlab knows PIX 4.0–8.0)',
      hint: 'nearest known releases: "pix 8.0", "pix 7.2"; ASA has 8.5: did you mean "asa 8.5(1)"?',
    });
    expect(error('asa 9.11(1)').hint).toBe('nearest known releases: "asa 9.10", "asa 9.12"');
    expect(error('asa 9.21').hint).toBe('nearest known releases: "asa 9.20", "asa 9.22"');
    expect(error('pix 3.3').hint).toBe('nearest known releases: "pix 4.0", "pix 4.1"');
    expect(error('pix 9.x').message).toBe('unknown PIX version "9.x": there is no PIX 9.x train (mxlab knows PIX 4.0–8.0)');
  });

  it('a train has no release (0): Cisco numbers from (1), the first ASA release was 7.0(1)', () => {
    expect(error('asa 7.0(0)')).toEqual({
      line: 0,
      col: 5,
      message: 'unknown ASA version "7.0(0)": Cisco numbers a train\'s releases from (1), there is no ASA 7.0(0)',
      hint: 'nearest known releases: "asa 7.0(1)", "asa 7.1"',
    });
    expect(error('asa 9.12(0)').hint).toBe('nearest known releases: "asa 9.12(1)", "asa 9.10"');
    expect(error('pix 6.3(0)').hint).toBe('nearest known releases: "pix 6.3(1)", "pix 6.2"');
    expect(error('asa 8.0(0.5)').message).toContain('there is no ASA 8.0(0)');
    // (1), a train alone and N.x still resolve
    for (const d of ['asa 7.0(1)', 'asa 7.0', 'pix 6.3(1)', 'asa 9.x', 'asa 9.12(1)']) expect(resolveDevice(d).ok, d).toBe(true);
  });

  it('mxlab devices --device "asa 7.0(0)": exit 2 with the nearest releases', async () => {
    const r = await mxlab(['devices', '--device', 'asa 7.0(0)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cisco numbers a train\'s releases from (1)');
    expect(r.stderr).toContain('"asa 7.0(1)"');
  });

  it('families read the release from the table: no version comparisons in family files, no family imports another', () => {
    const dir = join(ROOT, 'src/actors/firewall/devices');
    const familyFiles = Object.keys(FAMILIES).map((f) => `${f}.ts`);
    for (const f of familyFiles) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/atLeast|sameTrain|compareVersion|\.major|\.minor/);
      const imported = [...text.matchAll(/from '\.\/([\w-]+)\.js'/g)].map((m) => `${m[1]}.ts`);
      expect(imported.filter((i) => familyFiles.includes(i)), f).toEqual([]);
    }
    // nothing anywhere compares versions but the release lookup itself
    const users = readdirSync(dir).filter((f) => /atLeast|sameTrain/.test(readFileSync(join(dir, f), 'utf8')));
    expect(users).toEqual([]);
  });
});

describe('the resolved profile is data', () => {
  it('survives JSON and runs the same in the proxy: the seed rewrite from a profile read back from JSON', async () => {
    const r = resolveDevice('pix 7.2(2)');
    if (!r.ok) throw new Error('resolve');
    const back = profileFromJson(JSON.stringify(r.profile));
    expect(back.ok && back.profile).toEqual(r.profile);
    const server = await rawServer();
    const fw = await startFirewall({ name: 'fw', profile: back.ok ? back.profile : undefined, clock: { now: () => 0 }, upstream: { host: '127.0.0.1', port: server.port } });
    const sock = net.connect(fw.port, '127.0.0.1');
    try {
      await once(sock, 'connect');
      const c = lineClient(sock);
      expect(await c.reply()).toEqual(['220 *********************']);
      c.send('EHLO x\r\n');
      expect(await c.reply()).toEqual(['250-esa.example.com', '250-8BITMIME', '250-SIZE 14680064', '250 XXXXXXXA']);
    } finally {
      sock.destroy();
      await fw.stop();
      await server.close();
    }
  });

  it('rejects a profile that is not one, naming what is wrong', () => {
    expect(profileFromJson('{')).toMatchObject({ ok: false });
    expect(profileFromJson('[]')).toEqual({ ok: false, error: 'expected a JSON object (a device profile)' });
    expect(profileFromJson('{"device":"x","family":"x","syslogPrefix":"x","inspecting":true,"rules":[{"name":"nope"}]}')).toEqual({ ok: false, error: 'rules[0]: no rule named "nope"' });
  });

  it('mxlab proxy --profile FILE takes a profile; a bad one is exit 2; --profile with --device is a usage error', async () => {
    const bad = await mxlab(['proxy', '--profile', 'package.json', '--upstream', '127.0.0.1:1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Failed to read --profile package.json: "device" must be a string');
    const both = await mxlab(['proxy', '--profile', 'package.json', '--device', 'none', '--upstream', '127.0.0.1:1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--profile is the whole device');
  });

  it('unknown versions are exit 2 from the CLI', async () => {
    const r = await mxlab(['devices', 'asa 99.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nearest known releases: "asa 9.22", "asa 9.20"');
  });
});
