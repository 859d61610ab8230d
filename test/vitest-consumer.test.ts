import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const sh = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** The README's "In code" snippet, as a user pastes it. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## In code'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md has no ```ts block under "## In code"');
  return m[1];
}

let project: string;
beforeAll(async () => {
  // a fresh project: mxlab as npm packs it (only the files it ships), its dependencies and vitest
  // and typescript linked from this checkout (no network)
  project = await mkdtemp(join(tmpdir(), 'mxlab-consumer-'));
  const { stdout } = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: ROOT });
  const tarball = join(project, (JSON.parse(stdout) as { filename: string }[])[0].filename);
  const modules = join(project, 'node_modules');
  await mkdir(join(modules, 'mxlab'), { recursive: true });
  await sh('tar', ['-xzf', tarball, '-C', join(modules, 'mxlab'), '--strip-components=1']);
  for (const entry of await readdir(join(ROOT, 'node_modules'))) {
    if (entry === 'mxlab' || entry.startsWith('.')) continue;
    await symlink(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], noEmit: true, skipLibCheck: true }, include: ['*.ts'] }),
  );
}, 120_000);
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

async function typecheck(files: Record<string, string>): Promise<{ code: number; out: string }> {
  for (const f of await readdir(project)) if (f.endsWith('.ts')) await rm(join(project, f));
  for (const [name, text] of Object.entries(files)) await writeFile(join(project, name), text);
  try {
    const { stdout } = await sh(process.execPath, [TSC, '-p', project], { cwd: project });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe('mxlab/vitest in a fresh TypeScript project', () => {
  it('the README "In code" snippet type-checks under tsc --strict with nothing added', async () => {
    const snippet = await readmeSnippet();
    expect(snippet).toContain("from 'mxlab/vitest'");
    const r = await typecheck({ 'seed.test.ts': snippet });
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);

  it('and it runs: vitest in that project passes the snippet against the packed mxlab', async () => {
    await mkdir(join(project, 'scenarios'), { recursive: true });
    await writeFile(join(project, 'scenarios/seed-esa-behind-pix.yaml'), await readFile(join(ROOT, 'scenarios/seed-esa-behind-pix.yaml')));
    await typecheck({ 'seed.test.ts': await readmeSnippet() });
    const { stdout } = await sh(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project, '--reporter', 'verbose'], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    expect(stdout).toMatch(/✓ seed\.test\.ts > the seed holds, fact by fact/);
    expect(stdout).toMatch(/✓ seed\.test\.ts > a fixed firewall, in code/);
    expect(stdout).toMatch(/Tests {2}2 passed \(2\)/);
  }, 120_000);

  it('the same check fails for a matcher that does not exist, and for wrong argument types', async () => {
    const snippet = await readmeSnippet();
    const r = await typecheck({ 'seed.test.ts': `${snippet}\ntest('typo', ({ lab }) => {\n  expect(lab.session('inside')).toHaveNegotiatedTlss();\n  expect(lab.session('inside')).toHaveOutcome('deliverd');\n});\n` });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/error TS2551: Property 'toHaveNegotiatedTlss' does not exist on type '.*'\. Did you mean 'toHaveNegotiatedTls'\?/);
    expect(r.out).toMatch(/error TS2345: Argument of type '"deliverd"' is not assignable to parameter of type '"delivered" \| "deferred" \| "bounced"'/);
  }, 60_000);

  it('without importing mxlab/vitest the matchers are not there (the types come from that import)', async () => {
    const r = await typecheck({ 'plain.test.ts': "import { expect } from 'vitest';\nimport type { SessionResult } from 'mxlab';\nexport function f(s: SessionResult) {\n  expect(s).toHaveNegotiatedTls();\n}\n" });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Property 'toHaveNegotiatedTls' does not exist/);
  }, 60_000);
});
