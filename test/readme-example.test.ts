import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../src/run/run-scenario.js';
import { ROOT } from './helpers/cli.js';

/**
 * README's "Scenario format" example runs as printed: written next to copies of the files it names
 * (configs/, mail/ as in scenarios/), it validates, runs, and its expectations hold.
 */

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('README', () => {
  it('the scenario format example runs as printed and its expectations hold', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('```yaml\nname: ESA behind a PIX with ESMTP inspection\n');
    expect(start).toBeGreaterThan(0);
    const yaml = readme.slice(start + '```yaml\n'.length, readme.indexOf('\n```', start + 8) + 1);
    dir = await mkdtemp(join(tmpdir(), 'mxlab-readme-'));
    await cp(join(ROOT, 'scenarios/configs'), join(dir, 'configs'), { recursive: true });
    await cp(join(ROOT, 'scenarios/mail'), join(dir, 'mail'), { recursive: true });
    await writeFile(join(dir, 'example.yaml'), yaml);
    const r = await runScenario(join(dir, 'example.yaml'));
    const cell = r.scenarios[0].cells[0];
    expect(cell.error).toBeUndefined();
    expect(cell.expectations.filter((e) => !e.ok).map((e) => e.message)).toEqual([]);
    expect(cell.expectations.length).toBeGreaterThan(2);
    expect(r.ok).toBe(true);
  });
});
