import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/result.js';
import { mxlab, ROOT } from './helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const seedLike = (expectLine: string) => `name: tiny
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com, size: 14680064 }
  fw: { role: firewall, device: pix 7.2(2), forwards-to: esa }
  partner: { role: sender, via: fw }
messages:
  - { id: outside, from: partner, to: esa }
expect:
  - ${expectLine}
`;

describe('mxlab CLI', () => {
  it('exits 0 when every expectation holds and 1 when one does not, showing expected vs actual', async () => {
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    await writeFile(good, seedLike('{ message: outside, tls: false, outcome: delivered }'));
    await writeFile(bad, seedLike('{ message: outside, tls: true, outcome: delivered }'));
    const ok = await mxlab(['run', good]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const failed = await mxlab(['run', bad]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('tls: expected true, got false');
    expect(failed.stdout).toMatch(/bad\.yaml:9 .*message outside/);
    expect(failed.stdout).toContain('250 XXXXXXXA');
  });

  it('exits 2 with file:line:col for a malformed scenario and prints no stack trace', async () => {
    const f = join(dir, 'malformed.yaml');
    await writeFile(f, seedLike('{ message: outsde, outcome: delivred }').replace('via: fw', 'via: fw2'));
    const r = await mxlab(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${f}:5:33 nodes.partner.via: expected a firewall node ("fw"), got "fw2" — did you mean "fw"?`);
    expect(r.stderr).toContain(`${f}:9:16 expect[0].message: expected a message id ("outside"), got "outsde" — did you mean "outside"?`);
    expect(r.stderr).toMatch(/expect\[0\]\.outcome: expected one of "delivered", "deferred", "bounced", got "delivred" — did you mean "delivered"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const v = await mxlab(['validate', f]);
    expect(v.code).toBe(2);
  });

  it('exits 2 for a YAML syntax error and for a bad option', async () => {
    const f = join(dir, 'syntax.yaml');
    await writeFile(f, 'name: x\nnodes: [\n');
    const r = await mxlab(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ \\(file\\): expected valid YAML`));
    const o = await mxlab(['run', '--runtime', 'vm', f]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('--runtime must be local or docker, got "vm"');
  });

  it('--reporter json prints the RunResult to stdout and nothing else', async () => {
    const f = join(dir, 'json.yaml');
    await writeFile(f, seedLike('{ message: outside, outcome: delivered }'));
    const r = await mxlab(['run', f, '--reporter', 'json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    const s = result.scenarios[0].cells[0].sessions[0];
    expect(s.message).toBe('outside');
    expect(s.clientView.ehlo.at(-1)).toBe('250 XXXXXXXA');
    expect(s.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['partner>fw', 'fw>esa']);
    expect(s.hops[1].entries.some((e) => e.text === 'EHLO partner.example')).toBe(true);
    expect(typeof s.hops[0].entries[0].t).toBe('number');
    expect(s.serverView.commands[0]).toBe('EHLO partner.example');
    expect(s.firewall.events.length).toBeGreaterThan(0);
  });

  it('validates every shipped scenario', async () => {
    const r = await mxlab(['validate', 'scenarios']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = (await readdir(join(ROOT, 'scenarios'))).filter((f) => f.endsWith('.yaml'));
    expect(r.stdout.trim().split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(files.length);
    // each firewall config says what became of its lines
    expect(r.stdout).toMatch(/^  fw: asa 8\.2\(5\) \(from its version line\), scenarios\/configs\/asa-8\.2-show-run\.txt: \d+ lines — \d+ applied, \d+ ignored \(/m);
  });
});

describe('device configuration errors', () => {
  it('are reported at the scenario file line of the config, the way the device rejects them', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const d = await mkdtemp(join(tmpdir(), 'mxlab-cfg-'));
    const f = join(d, 'cfg.yaml');
    await writeFile(
      f,
      `name: cfg
nodes:
  esa: { role: receiver, persona: asyncos }
  fw:
    role: firewall
    device: pix 7.2(2)
    config: |
      policy-map type inspect esmtp tls_map
       parameters
        allow-tls
    forwards-to: esa
  partner: { role: sender, via: fw }
messages:
  - { id: m, from: partner, to: esa }
`,
    );
    const r = await mxlab(['validate', f]);
    await rm(d, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${f.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}:10:9 nodes\\.fw\\.config \\(line 3\\): % Invalid input detected at '\\^' marker\\. \\(got "allow-tls"\\) — allow-tls first appeared in 7\\.2\\(3\\)`));
  });
});
