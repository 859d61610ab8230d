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
import { existsSync, readFileSync } from 'node:fs';
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

describe.skipIf(!ok)('the docker runtime on a second engine at DOCKER_HOST=tcp://127.0.0.1:PORT', () => {
  let dir = '';
  let host = '';
  let t0 = 0;
  /** the second engine's 10.X.0.0/16 and bridge mxlab-2nd-X */
  let x = '';
  const timings: Record<string, number> = {};
  const docker0Before = spawnSync('ip', ['link', 'show', 'docker0']).status === 0;
  const second = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKER_HOST: host } });
  const script = (args: string[]) => {
    const t = Date.now();
    const out = execFileSync(SCRIPT, args, { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    timings[args[0]] = Date.now() - t;
    return out;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxlab-second-'));
    t0 = Math.floor(Date.now() / 1000) - 1;
    host = /DOCKER_HOST=(tcp:\/\/127\.0\.0\.1:\d+)/.exec(script(['start', dir]))?.[1] ?? '';
    expect(host).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    x = readFileSync(join(dir, 'net-index'), 'utf8').trim();
  }, 60_000);

  afterAll(async () => {
    if (!dir) return;
    const left = spawnSync(SCRIPT, ['stop', dir], { encoding: 'utf8', timeout: 60_000 });
    console.log(`remote-engine: ${JSON.stringify(timings)} ms; stop: ${left.stderr.trim().split('\n').pop()}`);
    // the stop is checked here so a failing test above still leaves nothing behind
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

  it('builds and loads the images there, runs the seed and real Postfix there, and leaves nothing on either engine', async () => {
    // the images: Postfix (with the base it is built on) copied from the main engine, the node image built there
    const tags = Object.fromEntries(
      (await mxlab(['images', 'list', 'postfix', 'node'])).stdout
        .split('\n')
        .map((l) => /^(mxlab\/(\w+):\w+) (present|missing)$/.exec(l))
        .filter((m) => m !== null)
        .map((m) => [m[2], { tag: m[1], present: m[3] === 'present' }]),
    );
    expect(tags.postfix?.present, 'mxlab/postfix is built on the main engine (npx mxlab images build)').toBe(true);
    const base = /^base (\S+) /m.exec((await mxlab(['images', 'list', 'node'])).stdout)?.[1];
    expect(base).toBeTruthy();
    script(['load', dir, base!, tags.postfix.tag]);
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
