/**
 * The docker runtime against a remote engine (DOCKER_HOST=tcp://…): a second dockerd on
 * 127.0.0.1:PORT of this machine (scripts/second-engine.sh: its own data-root, exec-root, bridge,
 * addresses, no iptables of its own), given the base and Postfix images with docker save | load
 * (no registry), the node image built there by `mxlab images build` through DOCKER_HOST, then the
 * seed, real Postfix senders through the ASA and a real Postfix receiver (its stored message read
 * back out of the container) run there by the CLI as a user runs it. Nothing of it may
 * reach the main engine, nothing may stay on the second one, and no process, mount, bridge or
 * iptables rule of it may outlive the test. Under CI=true a missing prerequisite fails.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/result.js';
import { sessionOf } from '../../src/vitest/index.js';
import { mxlab } from '../helpers/cli.js';
import { dockerAvailable, root } from './helpers.js';

const SCRIPT = join(root, 'scripts', 'second-engine.sh');

/** What the test needs besides the main engine: root (dockerd), dockerd, ip, iptables. */
function prerequisites(): boolean {
  if (!dockerAvailable()) return false;
  const missing = [
    process.getuid?.() !== 0 ? 'root' : '',
    ...['dockerd', 'ip', 'iptables'].filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0),
  ].filter(Boolean);
  if (!missing.length) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but the remote-engine test lacks: ${missing.join(', ')}`);
  console.warn(`remote-engine test skipped: it needs ${missing.join(', ')} (under CI=true this is a failure)`);
  return false;
}

const ok = prerequisites();

/** The main engine, whatever DOCKER_HOST the test process has. */
const main = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 });

/**
 * A second engine for the tests of one describe block: started before them (with TLS and client
 * certificates when `tls`), stopped after them, and the stop checked — no process, mount, bridge
 * or iptables rule of it left, docker0 as it was — so a failing test still leaves nothing behind.
 */
function secondEngine(name: string, tls = false) {
  const engine = { dir: '', host: '', t0: 0, x: '', env: {} as Record<string, string>, timings: {} as Record<string, number> };
  const docker0Before = spawnSync('ip', ['link', 'show', 'docker0']).status === 0;
  const script = (args: string[]) => {
    const t = Date.now();
    const out = execFileSync(SCRIPT, args, { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MXLAB_SECOND_TLS: tls ? '1' : '' } });
    engine.timings[args[0]] = Date.now() - t;
    return out;
  };
  beforeAll(async () => {
    sweepStaleEngines();
    engine.dir = await mkdtemp(join(tmpdir(), 'mxlab-second-'));
    writeFileSync(join(engine.dir, 'owner'), String(process.pid));
    engine.t0 = Math.floor(Date.now() / 1000) - 1;
    engine.env = Object.fromEntries(script(['start', engine.dir]).trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
    engine.host = engine.env.DOCKER_HOST;
    expect(engine.host).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(engine.env).sort()).toEqual(tls ? ['DOCKER_CERT_PATH', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY'] : ['DOCKER_HOST']);
    engine.x = readFileSync(join(engine.dir, 'net-index'), 'utf8').trim();
  }, 60_000);
  afterAll(async () => {
    const { dir, x } = engine;
    if (!dir) return;
    const left = spawnSync(SCRIPT, ['stop', dir], { encoding: 'utf8', timeout: 60_000 });
    console.log(`${name}: ${JSON.stringify(engine.timings)} ms; stop: ${left.stderr.trim().split('\n').pop()}`);
    expect(left.status).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(spawnSync('pgrep', ['-f', `${dir}/`]).stdout.toString()).toBe('');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(dir);
    expect(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).not.toContain(`mxlab-2nd-${x}:`);
    expect(execFileSync('iptables', ['-w', '-S'], { encoding: 'utf8' })).not.toContain(`-s 10.${x}.0.0/16 -d 10.${x}.0.0/16`);
    // a second dockerd with --bridge none deletes docker0: this one must not have
    expect(spawnSync('ip', ['link', 'show', 'docker0']).status === 0).toBe(docker0Before);
    await rm(dir, { recursive: true, force: true });
  }, 90_000);
  return {
    engine,
    script,
    /** the docker CLI against the second engine */
    second: (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...engine.env } }),
  };
}

/**
 * Second engines an earlier run of this file left (killed before its afterAll: a CI timeout, a
 * SIGKILL): each folder names the test process that made it; when that process is gone, stop it.
 */
function sweepStaleEngines(): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('mxlab-second-'))) {
    const dir = join(tmpdir(), name);
    const owner = Number(existsSync(join(dir, 'owner')) ? readFileSync(join(dir, 'owner'), 'utf8') : 0);
    if (!owner || owner === process.pid) continue;
    try {
      process.kill(owner, 0);
      continue; // its test still runs
    } catch {
      const r = spawnSync(SCRIPT, ['stop', dir], { encoding: 'utf8', timeout: 60_000 });
      console.warn(`remote-engine: stopped the second engine a killed run left in ${dir}: ${r.stderr.trim().split('\n').pop()}`);
    }
  }
}

/** The tags `mxlab images list` gives on the main engine, and whether they are there. */
async function mainTags(names: string[]): Promise<{ base: string; images: Record<string, { tag: string; present: boolean }> }> {
  const out = (await mxlab(['images', 'list', ...names])).stdout;
  const images = Object.fromEntries(
    out
      .split('\n')
      .map((l) => /^(mxlab\/(\w+):\w+) (present|missing)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[2], { tag: m[1], present: m[3] === 'present' }]),
  );
  return { base: /^base (\S+) /m.exec(out)?.[1] ?? '', images };
}

describe.skipIf(!ok)('the docker runtime on a second engine at DOCKER_HOST=tcp://127.0.0.1:PORT', () => {
  const { engine, script, second } = secondEngine('remote-engine');
  const timings = engine.timings;
  let host = '';
  let dir = '';
  let t0 = 0;
  beforeAll(() => {
    ({ host, dir, t0 } = engine);
  });

  it('builds and loads the images there, runs the seed and real Postfix there, and leaves nothing on either engine', async () => {
    // the images: Postfix (with the base it is built on) copied from the main engine, the node image built there
    const { base, images: tags } = await mainTags(['postfix', 'node']);
    expect(tags.postfix?.present, 'mxlab/postfix is built on the main engine (npx mxlab images build)').toBe(true);
    expect(base).toBeTruthy();
    script(['load', dir, base, tags.postfix.tag]);
    let t = Date.now();
    const build = await mxlab(['images', 'build', 'node'], { env: { DOCKER_HOST: host }, timeoutMs: 300_000 });
    timings.buildNode = Date.now() - t;
    expect(build.code, build.stderr).toBe(0);
    // the same content-hash tag as on the main engine: same context, same base image id
    expect(build.stdout.trim()).toMatch(new RegExp(`^${tags.node.tag} built in `));
    expect(second(['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n').filter(Boolean).sort()).toEqual([base, tags.node.tag, tags.postfix.tag].sort());

    const out = join(dir, 'report');
    t = Date.now();
    const run = await mxlab(['run', '--runtime', 'docker', 'scenarios/seed-esa-behind-pix.yaml', 'scenarios/docker/postfix-through-asa.yaml', 'scenarios/docker/postfix-receiver-behind-firewall.yaml', '--reporter', 'console,json', '--out', out], {
      env: { DOCKER_HOST: host },
      timeoutMs: 240_000,
    });
    timings.run = Date.now() - t;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    const of = (file: string) => ({ ...result, scenarios: result.scenarios.filter((s) => s.file.endsWith(file)) });
    const seed = of('seed-esa-behind-pix.yaml');
    expect(seed.scenarios[0].runtime).toBe('docker');
    expect(sessionOf(seed, 'outside').clientView.ehlo).toContain('250 XXXXXXXA');
    expect(sessionOf(seed, 'outside-forced').clientView.starttls).toBe('500 #5.5.1 command not recognized');
    expect(sessionOf(seed, 'inside').tls).toBe(true);
    expect(sessionOf(seed, 'outside-dkim')).toMatchObject({ outcome: 'deferred', reason: 'connection-reset' });
    const postfix = of('postfix-through-asa.yaml');
    expect(sessionOf(postfix, 'outside-encrypt')).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered' });
    expect(sessionOf(postfix, 'outside-encrypt').log?.join('\n')).toMatch(/postfix\/smtp\[\d+\]: .*status=deferred \(TLS is required, but was not offered by host/);
    expect(sessionOf(postfix, 'inside')).toMatchObject({ outcome: 'delivered', tls: true });
    // what a real receiver stored, read back out of its container (an archive through the API, no bind mount)
    const receiver = of('postfix-receiver-behind-firewall.yaml');
    const stored = sessionOf(receiver, 'builtin-outside');
    expect(stored).toMatchObject({ outcome: 'delivered', tls: false });
    expect(stored.serverView.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.serverView.sha256).toBe(stored.sent?.sha256);
    expect(sessionOf(receiver, 'postfix-outside').serverView.headers?.join('\n')).toMatch(/^Message-ID: /im);

    // nothing left on the second engine; what the run made there never touched the main engine
    expect(second(['ps', '-aq'])).toBe('');
    expect(second(['network', 'ls', '--filter', 'label=mxlab=true', '-q'])).toBe('');
    const until = Math.ceil(Date.now() / 1000) + 1;
    const events = (run: (a: string[]) => string) =>
      run(['events', '--since', String(t0), '--until', String(until), '--filter', 'event=create', '--format', '{{.Type}} {{.Actor.Attributes.name}}'])
        .split('\n')
        .filter((l) => / mxlab-/.test(l));
    const there = events(second);
    for (const node of ['esa', 'fw', 'partner', 'lan', 'partner-encrypt']) expect(there.some((l) => l.startsWith('container ') && l.endsWith(`-${node}`)), node).toBe(true);
    for (const side of ['outside', 'inside']) expect(there.some((l) => l.startsWith('network ') && l.endsWith(`-${side}`)), side).toBe(true);
    const names = new Set(there.map((l) => l.split(' ')[1]));
    expect(events(main).filter((l) => names.has(l.split(' ')[1]))).toEqual([]);
  });

  it('a double Ctrl-C while the containers start there leaves nothing there (the cleanup and the reaper follow DOCKER_HOST)', async () => {
    const mine = () => ({
      containers: second(['ps', '-aq', '--filter', 'label=mxlab=true']).split('\n').filter(Boolean),
      networks: second(['network', 'ls', '-q', '--filter', 'label=mxlab=true']).split('\n').filter(Boolean),
    });
    const child = spawn(process.execPath, ['bin/mxlab.js', 'run', '--runtime', 'docker', 'test/docker/fixtures/slow.yaml'], { cwd: root, env: { ...process.env, DOCKER_HOST: host }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 120_000;
    while (!mine().containers.length) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no container appeared on the second engine (exit ${child.exitCode}): ${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('mxlab: SIGINT again, removing what the run made and exiting');
    const until = Date.now() + 15_000;
    while ((mine().containers.length || mine().networks.length) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(mine()).toEqual({ containers: [], networks: [] });
  });

  it('an engine that does not answer at DOCKER_HOST is E_DOCKER_UNAVAILABLE naming it, within the 15 s it is given', async () => {
    const silent = net.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const at = `tcp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const t = Date.now();
      const r = await mxlab(['run', '--runtime', 'docker', 'scenarios/seed-esa-behind-pix.yaml'], { env: { DOCKER_HOST: at }, timeoutMs: 60_000 });
      timings.silent = Date.now() - t;
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(`E_DOCKER_UNAVAILABLE: Failed to reach the Docker engine at ${at}: no answer within 15 s. Did you forget to start dockerd there, or mean another DOCKER_HOST?`);
    } finally {
      silent.close();
    }
  });

  it('a docker context the CLI follows but testcontainers does not is refused before a container starts on the wrong engine', async () => {
    const config = join(dir, 'docker-config');
    execFileSync('docker', ['context', 'create', 'second', '--docker', `host=${host}`], { env: { ...process.env, DOCKER_CONFIG: config }, stdio: 'ignore' });
    const env = { DOCKER_HOST: '', DOCKER_CONFIG: config, DOCKER_CONTEXT: 'second' };
    const r = await mxlab(['run', '--runtime', 'docker', 'scenarios/seed-esa-behind-pix.yaml'], { env, timeoutMs: 120_000 });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`E_DOCKER_UNAVAILABLE: Failed to reach the Docker engine at ${host}: the containers would go to another engine (unix:///var/run/docker.sock, through testcontainers) than the images (the docker CLI). Did you mean to set DOCKER_HOST instead of a docker context?`);
    expect(second(['ps', '-aq'])).toBe('');
  });
});

describe.skipIf(!ok)('the docker runtime on a second engine that requires TLS with client certificates', () => {
  const { engine, script, second } = secondEngine('remote-engine-tls', true);

  it('runs the seed there with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, and says what is missing without them', async () => {
    const { base, images } = await mainTags(['node']);
    if (!images.node.present) expect((await mxlab(['images', 'build', 'node'], { timeoutMs: 300_000 })).code).toBe(0);
    script(['load', engine.dir, base, images.node.tag]);
    const out = join(engine.dir, 'report');
    const run = await mxlab(['run', '--runtime', 'docker', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'console,json', '--out', out], { env: engine.env, timeoutMs: 120_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(sessionOf(result, 'outside').clientView.ehlo).toContain('250 XXXXXXXA');
    expect(sessionOf(result, 'inside').tls).toBe(true);
    expect(second(['ps', '-aq'])).toBe('');
    // the same engine without the client certificate
    const plain = await mxlab(['run', '--runtime', 'docker', 'scenarios/seed-esa-behind-pix.yaml'], { env: { DOCKER_HOST: engine.host, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' }, timeoutMs: 60_000 });
    expect(plain.code).toBe(3);
    expect(plain.stdout).toContain(`E_DOCKER_UNAVAILABLE: Failed to reach the Docker engine at ${engine.host}: `);
    expect(plain.stdout).toContain('Did you forget DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with ca.pem, cert.pem, key.pem) for an engine that speaks TLS?');
  });
});
