import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../src/cli/replay/open-bundle.js';
import { writeTarGz } from '../src/report/bundle/tar.js';
import { bundleFiles } from '../src/report/reporters/bundle.js';
import { runScenario } from '../src/run/run-scenario.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-build-ctx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A real MTA built from the scenario's own Dockerfile context (`build: ./sendmail`): the bundle
 * carries the context, folder and all, executable bits kept, and the run's scenario points at it,
 * so mxlab replay builds the same image wherever it runs.
 */
describe('bundles carry a build: context', () => {
  it('the context\'s files under the run, build: renamed to them, modes kept through the archive and replay', async () => {
    const ctx = join(dir, 'sendmail');
    await mkdir(join(ctx, 'etc'), { recursive: true });
    await writeFile(join(ctx, 'Dockerfile'), 'FROM debian:bookworm-slim\nCOPY entrypoint.sh /e.sh\n');
    await writeFile(join(ctx, 'entrypoint.sh'), '#!/bin/sh\nexec sleep infinity\n');
    await chmod(join(ctx, 'entrypoint.sh'), 0o755);
    await writeFile(join(ctx, 'etc/sendmail.mc'), 'divert(-1)\n');
    const file = join(dir, 'byo.yaml');
    await writeFile(file, 'name: byo\nnodes:\n  esa: { role: receiver, persona: asyncos }\n  lan: { role: sender }\nmessages:\n  - { id: m, from: lan, to: esa }\n');
    const result = await runScenario(file);
    // the run as a docker run of a built MTA would record it (the local runtime runs no real MTA)
    const cell = result.scenarios[0].cells[0];
    (cell.scenario!.nodes as Record<string, unknown>).mta = { role: 'sender', mta: 'generic', build: './sendmail' };
    const { files, notes } = await bundleFiles(result);
    expect(notes).toEqual([]);
    const ctxFiles = files.filter((f) => f.name.includes('/files/sendmail/')).map((f) => [f.name.replace(/^.*\/files\//, 'files/'), f.mode]);
    expect(ctxFiles).toEqual([
      ['files/sendmail/Dockerfile', 0o644],
      ['files/sendmail/entrypoint.sh', 0o755],
      ['files/sendmail/etc/sendmail.mc', 0o644],
    ]);
    const yaml = files.find((f) => f.name.endsWith('/scenario.yaml'))!.data.toString();
    expect(yaml).toMatch(/\n {4}build: files\/sendmail\n/);
    const tgz = join(dir, 'b.tar.gz');
    await writeFile(tgz, await writeTarGz(files));
    const opened = await openBundle(tgz);
    try {
      const run = join(opened.dir, 'runs/byo/run');
      expect(await readFile(join(run, 'files/sendmail/Dockerfile'), 'utf8')).toBe('FROM debian:bookworm-slim\nCOPY entrypoint.sh /e.sh\n');
      expect((await stat(join(run, 'files/sendmail/entrypoint.sh'))).mode & 0o111).not.toBe(0);
      expect((await stat(join(run, 'files/sendmail/Dockerfile'))).mode & 0o111).toBe(0);
    } finally {
      await rm(opened.dir, { recursive: true, force: true });
    }
  });
});
