import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDevice } from '../src/run/device-check.js';
import { planCells } from '../src/run/plan.js';
import { formatDiagnostic, ScenarioError } from '../src/scenario/diagnostics.js';
import { parseScenario } from '../src/scenario/load.js';
import { mxlab } from './helpers/cli.js';

/** A map with allow-tls: ASA 7.2(3)+ / 8.0(3)+ take it, PIX/ASA 7.2(2) and 8.0(2) answer "% Invalid input" (docs/devices.md). */
const TLS_MAP = `policy-map type inspect esmtp tls_map
 parameters
  mask-banner
  allow-tls
 match ehlo-reply-parameter others
  mask
policy-map global_policy
 class inspection_default
  inspect esmtp tls_map`;
const PLAIN = 'policy-map global_policy\n class inspection_default\n  inspect esmtp';
const indent = (text: string, n: number) => text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
const block = (text: string) => `    - |\n${indent(text, 8)}\n`;

function scenario(fw: string, extra = ''): string {
  return `name: cells
nodes:
  mx: { role: receiver, persona: asyncos, hostname: mx.example.com }
  fw:
    role: firewall
${fw}    forwards-to: mx
  partner: { role: sender, via: fw }
messages:
  - { id: m, from: partner, to: mx }
${extra}`;
}

/** The errors of a scenario text (none: []). */
function errors(text: string): string[] {
  try {
    parseScenario(text, 'c.yaml', { checkDevice });
    return [];
  } catch (e) {
    if (e instanceof ScenarioError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
}

describe('a device and a config that only meet in a run of the matrix', () => {
  it('fw.device × fw.config: a config line the device refuses is an error at the config value, naming the device', () => {
    const text = scenario('    device: asa 9.12(4)\n', `matrix:\n  fw.device: [asa 9.12(4), pix 7.2(2)]\n  fw.config:\n${block(PLAIN)}${block(TLS_MAP)}`);
    const e = errors(text);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^c\.yaml:\d+:\d+ matrix\.fw\.config\[1\]: with pix 7\.2\(2\), config line 4: % Invalid input detected at '\^' marker\. \(got "allow-tls"\) — allow-tls first appeared in 7\.2\(3\)/);
    // every device that lacks allow-tls, each said once; ASA-only map commands on a Mailguard PIX too
    const many = errors(scenario('    device: asa 9.12(4)\n', `matrix:\n  fw.device: [asa 9.12(4), pix 7.2(2), asa 8.0(2), pix 6.3(5)]\n  fw.config:\n${block(TLS_MAP)}`.replace('  fw.config:\n', '  fw.config:\n')));
    expect(many.filter((l) => l.includes('with pix 7.2(2), config line 4'))).toHaveLength(1);
    expect(many.filter((l) => l.includes('with asa 8.0(2), config line 4'))).toHaveLength(1);
    expect(many.some((l) => l.includes('with pix 6.3(5), config line 1'))).toBe(true);
  });

  it('checks the runs, not the node as written when the matrix replaces both its device and config', () => {
    // pix 7.2(2) as written is in no run: the allow-tls map is fine on both devices of the matrix
    const text = scenario('    device: pix 7.2(2)\n', `matrix:\n  fw.device: [asa 9.12(4), asa 8.4(7)]\n  fw.config:\n${block(TLS_MAP)}`);
    expect(errors(text)).toEqual([]);
    // one config key alone is checked against the node's device as before
    expect(errors(scenario('    device: pix 7.2(2)\n', `matrix:\n  fw.config:\n${block(TLS_MAP)}`))[0]).toContain('matrix.fw.config[0]: with pix 7.2(2), config line 4');
  });

  it('a timeline step whose config a run of the matrix cannot take: an error at the step, naming the run', () => {
    const step = `timeline:\n  - at: 10m\n    node: fw\n    config: |\n${indent(TLS_MAP, 6)}\n`;
    const e = errors(scenario('    device: asa 9.12(4)\n', `matrix:\n  fw.device: [asa 9.12(4), pix 7.2(2)]\n${step}`));
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^c\.yaml:\d+:\d+ timeline\[0\]\.config: in the run fw\.device=pix 7\.2\(2\), with pix 7\.2\(2\), config line 4 \("allow-tls"\) after this step: % Invalid input/);
    const append = errors(scenario('    device: asa 9.12(4)\n', `matrix:\n  fw.device: [asa 9.12(4), pix 7.2(2)]\n${step.replace('config: |', 'config-append: |')}`));
    expect(append).toHaveLength(1);
    expect(append[0]).toContain('timeline[0].config-append: in the run fw.device=pix 7.2(2)');
    // a config from the matrix, a device from the step
    const upgrade = errors(scenario('    device: asa 9.12(4)\n', `matrix:\n  fw.config:\n${block(PLAIN)}${block(TLS_MAP)}\ntimeline:\n  - { at: 10m, node: fw, device: pix 7.2(2) }\n`));
    expect(upgrade).toHaveLength(1);
    expect(upgrade[0]).toContain('timeline[0].device: in the run fw.config[1], with pix 7.2(2), config line 4 ("allow-tls") after this step');
    // a step's own problems are said once, also when no run can be made (a value the node does not take)
    const bad = errors(scenario('    device: asa 9.12(4)\n', 'matrix:\n  fw.device: [7, 8]\ntimeline:\n  - { at: 10m, node: nope, state: stopped }\n'));
    expect(bad.filter((l) => l.includes('timeline[0].node: expected a node'))).toHaveLength(1);
    expect(bad.filter((l) => l.includes('matrix.fw.device'))).toHaveLength(2);
    // every run can take it: no error
    expect(errors(scenario('    device: asa 9.12(4)\n', `matrix:\n  fw.device: [asa 9.12(4), asa 8.2(5)]\n${step}`))).toEqual([]);
  });
});

describe('whatever validates, every run starts', () => {
  it('over devices × configs × timeline steps: a scenario the loader takes has a firewall every run and every step can start', () => {
    const devices = ['asa 9.12(4)', 'pix 7.2(2)', 'pix 6.3(5)', 'asa 8.0(2)'];
    const configs = [PLAIN, TLS_MAP, 'fixup protocol smtp 25'];
    const steps = ['', `timeline:\n  - { at: 10m, node: fw, device: pix 7.2(2) }\n`, `timeline:\n  - at: 10m\n    node: fw\n    config-append: |\n${indent(TLS_MAP, 6)}\n`];
    let valid = 0;
    let invalid = 0;
    for (const device of devices) {
      for (const [d, c] of [[true, false], [false, true], [true, true]]) {
        for (const step of steps) {
          const axes = `${d ? `  fw.device: [${devices.filter((x) => x !== device).join(', ')}]\n` : ''}${c ? `  fw.config:\n${configs.map(block).join('')}` : ''}`;
          const text = scenario(`    device: ${device}\n`, `matrix:\n${axes}${step}`);
          let loaded;
          try {
            loaded = parseScenario(text, 'c.yaml', { checkDevice });
          } catch (e) {
            if (!(e instanceof ScenarioError)) throw e;
            invalid++;
            continue;
          }
          valid++;
          const cells = planCells(loaded); // throws E_FIREWALL_CONFIG when a run's firewall cannot start
          for (const cell of cells) {
            const fw = cell.scenario.nodes.fw as { device?: string; config?: string };
            let state = { device: fw.device, config: fw.config };
            for (const st of cell.scenario.timeline ?? []) {
              state = { device: st.device ?? state.device, config: st['config-append'] ? [state.config, st['config-append']].filter(Boolean).join('\n') : (st.config ?? state.config) };
              expect(checkDevice(state.device, state.config).filter((e) => !e.warning), `${text}\n${cell.label}`).toEqual([]);
            }
          }
        }
      }
    }
    // both kinds occur: the sweep is not vacuous
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });
});

describe('mxlab validate and run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxlab-cells-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exit 2 with file:line for the matrix combination, where run used to stop with E_FIREWALL_CONFIG', async () => {
    const f = join(dir, 'm.yaml');
    await writeFile(f, scenario('    device: asa 9.12(4)\n', `matrix:\n  fw.device: [asa 9.12(4), pix 7.2(2)]\n  fw.config:\n${block(PLAIN)}${block(TLS_MAP)}`));
    for (const cmd of ['validate', 'run']) {
      const r = await mxlab([cmd, f]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toMatch(/m\.yaml:\d+:\d+ matrix\.fw\.config\[1\]: with pix 7\.2\(2\), config line 4/);
      expect(r.stderr + r.stdout, cmd).not.toContain('E_FIREWALL_CONFIG');
    }
  });

  it('--matrix: a device the timeline step cannot take in a run is an error of the override', async () => {
    const f = join(dir, 't.yaml');
    await writeFile(f, scenario('    device: asa 9.12(4)\n', `timeline:\n  - at: 10m\n    node: fw\n    config: |\n${indent(TLS_MAP, 6)}\n`));
    expect((await mxlab(['validate', f])).code).toBe(0);
    const r = await mxlab(['validate', f, '--matrix', 'fw.device=asa 9.12(4),pix 7.2(2)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('timeline[0].config: in the run fw.device=pix 7.2(2), with pix 7.2(2), config line 4 ("allow-tls")');
  });
});
