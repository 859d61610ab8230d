import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDevice } from '../src/run/device-check.js';
import { planCells } from '../src/run/plan.js';
import { formatDiagnostic, ScenarioError } from '../src/scenario/diagnostics.js';
import { loadScenario, parseScenario } from '../src/scenario/load.js';
import { mxlab, ROOT } from './helpers/cli.js';

let dir: string;
const ASA82 = join(ROOT, 'scenarios/configs/asa-8.2-show-run.txt');
const PIX63 = join(ROOT, 'scenarios/configs/pix-6.3-write-terminal.txt');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-cfgfile-'));
  await mkdir(join(dir, 'fw'));
  await copyFile(ASA82, join(dir, 'fw/asa.txt'));
  await copyFile(PIX63, join(dir, 'fw/pix.txt'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scenario = (fw: string, extra = '') => `name: pasted
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com }
  fw:
${fw
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
    forwards-to: esa
  partner: { role: sender, via: fw }
messages:
  - { id: m, from: partner, to: esa }
${extra}`;

async function load(name: string, text: string) {
  const f = join(dir, name);
  await writeFile(f, text);
  return loadScenario(f, { checkDevice });
}
async function problems(name: string, text: string): Promise<string[]> {
  try {
    await load(name, text);
  } catch (err) {
    if (err instanceof ScenarioError) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  throw new Error('expected problems');
}
/** as mxlab shows a config file's path: relative to the working folder when inside it, else absolute */
const rel = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));

describe('config-file:', () => {
  it('is read relative to the scenario; the plan carries the device its version line names', async () => {
    const l = await load('ok.yaml', scenario('role: firewall\nconfig-file: fw/asa.txt'));
    expect(l.warnings).toEqual([]);
    const [cell] = planCells(l);
    expect(cell.firewalls.fw.device).toBe('asa 8.2(5)');
    expect(cell.firewalls.fw.interfaces?.server?.address).toBe('10.10.20.25');
  });

  it("an error in the file is reported at the file's own line and column", async () => {
    const text = (await readFile(ASA82, 'utf8')).replace('  inspect esmtp\n', '  inspect esmtp nosuch_map\n');
    await writeFile(join(dir, 'fw/bad.txt'), text);
    const line = text.split('\n').findIndex((l) => l.includes('nosuch_map')) + 1;
    expect(await problems('bad.yaml', scenario('role: firewall\nconfig-file: fw/bad.txt'))).toEqual([
      `${rel(join(dir, 'fw/bad.txt'))}:${line}:17 nodes.fw.config-file (line ${line}): ERROR: Inspect policy-map nosuch_map not found (got "inspect esmtp nosuch_map") — define it first: policy-map type inspect esmtp nosuch_map`,
    ]);
  });

  it('a version line that disagrees with device: is exit 2 at that line', async () => {
    expect(await problems('disagree.yaml', scenario('role: firewall\ndevice: asa 9.12(4)\nconfig-file: fw/asa.txt'))).toEqual([
      `${rel(join(dir, 'fw/asa.txt'))}:4:13 nodes.fw.config-file (line 4): the config is from ASA 8.2(5), but device: is "asa 9.12(4)" (got "ASA Version 8.2(5)") — remove device: (the version line sets it), or make the two agree`,
    ]);
  });

  it('a missing file, a FIFO, both config: and config-file:, and no device at all are exit 2 at the key', async () => {
    const f = join(dir, 'missing.yaml');
    expect(await problems('missing.yaml', scenario('role: firewall\nconfig-file: fw/nope.txt'))).toEqual([
      `${f}:6:18 nodes.fw.config-file: expected a readable device configuration, got no such file — Did you mistype the path?`,
    ]);
    execFileSync('mkfifo', [join(dir, 'fw/fifo.txt')]);
    expect(await problems('fifo.yaml', scenario('role: firewall\nconfig-file: fw/fifo.txt'))).toEqual([
      `${join(dir, 'fifo.yaml')}:6:18 nodes.fw.config-file: expected a device configuration (a regular file), got a FIFO (named pipe) — Only regular files are read: write a pipe or a process substitution to a file first.`,
    ]);
    // binary data (a NUL byte, or mostly control bytes) is not a pasted config: exit 2, not hundreds of unknown commands
    await writeFile(join(dir, 'fw/binary.txt'), Buffer.concat([Buffer.from('ASA Version 9.8(4)\nhostname fw\n'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])]));
    expect(await problems('binary.yaml', scenario('role: firewall\nconfig-file: fw/binary.txt'))).toEqual([
      `${join(dir, 'binary.yaml')}:6:18 nodes.fw.config-file: expected a device configuration as text, got binary data (line 3) — Did you name the wrong file? Save the output of show running-config as plain text.`,
    ]);
    await writeFile(join(dir, 'fw/controls.txt'), Buffer.from('ASA Version 9.8(4)\n' + '\x01\x02\x03x\x04'.repeat(50)));
    expect((await problems('controls.yaml', scenario('role: firewall\nconfig-file: fw/controls.txt')))[0]).toContain('got binary data (line 2)');
    expect(await problems('both.yaml', scenario('role: firewall\nconfig-file: fw/asa.txt\nconfig: "ASA Version 8.2(5)"'))).toEqual([
      `${join(dir, 'both.yaml')}:6:5 nodes.fw.config-file: expected config: or config-file:, got both — keep one: config-file: for a pasted show running-config, config: for a few lines`,
    ]);
    expect(await problems('nodevice.yaml', scenario('role: firewall\nconfig: "hostname x"'))).toEqual([
      `${join(dir, 'nodevice.yaml')}:6:13 nodes.fw.device: no device: the firewall needs device: or a config with its version line — write device: "asa 9.12(4)", or paste the whole show running-config (it starts with "ASA Version …" or "PIX Version …")`,
    ]);
  });

  it('parseScenario (from text) cannot read a config file and says so', () => {
    try {
      parseScenario(scenario('role: firewall\nconfig-file: fw/asa.txt'), 'x.yaml', { checkDevice });
      expect.unreachable();
    } catch (err) {
      expect((err as ScenarioError).diagnostics[0].message).toBe('expected a config file read by loadScenario, got a scenario parsed from text (parseScenario cannot read files)');
    }
  });

  it('warnings come back with the scenario, positioned in the config file', async () => {
    const text = (await readFile(ASA82, 'utf8')).replace('prompt hostname context', 'regex unused "x"\nprompt hostname context');
    await writeFile(join(dir, 'fw/warn.txt'), text);
    const l = await load('warn.yaml', scenario('role: firewall\nconfig-file: fw/warn.txt'));
    expect(l.warnings.map(formatDiagnostic)).toEqual([
      `${rel(join(dir, 'fw/warn.txt'))}:129:1 nodes.fw.config-file (line 129): warning: regex unused is defined but no \`match\` uses it (got "regex unused "x"") — remove it, or refer to it where it should act`,
    ]);
  });

  it('a matrix over config-file runs each pasted config', async () => {
    const l = await load('matrix.yaml', scenario('role: firewall\nconfig-file: fw/asa.txt', 'matrix:\n  fw.config-file: [fw/asa.txt, fw/pix.txt]\n'));
    expect(planCells(l).map((c) => c.firewalls.fw.device)).toEqual(['asa 8.2(5)', 'pix 6.3(5)']);
  });
});

describe('mxlab validate and run with a pasted config', () => {
  it('validate counts the ignored lines by kind and prints warnings without failing', async () => {
    const text = (await readFile(ASA82, 'utf8')).replace('prompt hostname context', 'regex unused "x"\nprompt hostname context');
    await writeFile(join(dir, 'fw/warn2.txt'), text);
    const f = join(dir, 'cli.yaml');
    await writeFile(f, scenario('role: firewall\nconfig-file: fw/warn2.txt'));
    const r = await mxlab(['validate', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  fw: asa 8.2(5) (from its version line), ${rel(join(dir, 'fw/warn2.txt'))}: 132 lines — 17 applied, 101 ignored (management 23, other inspections 18, interfaces 17, access lists 7, services 5, timeouts 5, names 4, security features 4, logging 4, VPN 4, objects 3, NAT 3, failover and contexts 1, routing 1, show output 1, not in effect 1), 14 comments; 1 warning`);
    expect(r.stderr).toContain('warning: regex unused is defined but no `match` uses it');
  });

  it('a bundle carries the pasted config and the real message, and replays', async () => {
    const out = join(dir, 'bundle-out');
    const run = await mxlab(['run', 'scenarios/seed-asa-8.2-show-run.yaml', 'scenarios/real-message.yaml', '--reporter', 'bundle', '--out', out]);
    expect(run.code).toBe(0);
    const replay = await mxlab(['replay', join(out, 'mxlab-bundle.tar.gz')]);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
  });

  it('the seed from an ASA 8.2 show-run, without device:, holds its expectations', async () => {
    const r = await mxlab(['run', 'scenarios/seed-asa-8.2-show-run.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
