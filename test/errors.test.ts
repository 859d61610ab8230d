/**
 * The errors module (src/errors.ts): every code is a row of ERRORS, listed in the README, spelled
 * as a string nowhere else in the tree, used somewhere; every code a user can cause is fed its
 * condition here (or in the test named beside it) and its exact message asserted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE, ERRORS, type ErrorCode } from '../src/errors.js';
import { startFirewall } from '../src/actors/firewall/index.js';
import { startReceiver } from '../src/actors/receiver/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { generateRunCertificates } from '../src/tls/certs.js';
import { mxlab, ROOT } from './helpers/cli.js';

const SRC = join(ROOT, 'src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

/** Codes no input can cause: the engine, the images, a container misbehaving, our own bugs. */
const ENVIRONMENT_ONLY: ErrorCode[] = ['E_DOCKER_RUNTIME', 'E_BASE_IMAGE_MISSING', 'E_BOOTSTRAP', 'E_IMAGE_BUILD', 'E_NODE_BINARY', 'E_NOT_BUILT', 'E_CONTAINER_START', 'E_CONTAINER_EXEC', 'E_SENDER_OUTPUT', 'E_INTERNAL'];
/** User-causable codes whose message is asserted in another test (docker ones need the engine). */
const ELSEWHERE: Partial<Record<ErrorCode, string>> = {
  E_INTERRUPTED: 'test/cli-signals.test.ts, test/docker/cleanup.test.ts',
  E_TOPOLOGY: 'test/docker (a real MTA sender without via sending to two receivers)',
  E_MESSAGE_TOO_LARGE: 'test/docker (a message larger than a container node can be fed)',
  E_IMAGE_MISSING: 'test/docker/byo-mta.test.ts (an image: the engine does not hold)',
};

describe('the error table', () => {
  it('is the README table, row for row', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = /<!-- errors:start -->\n([\s\S]*?)<!-- errors:end -->/.exec(readme)?.[1];
    const want = ['| code | exit | meaning |', '| --- | --- | --- |', ...Object.entries(ERRORS).map(([k, v]) => `| \`${k}\` | ${v.exit} | ${v.description} |`)].join('\n') + '\n';
    expect(table, 'README.md between <!-- errors:start --> and <!-- errors:end -->').toBe(want);
  });

  it('CODE names every row, and no code is spelled as a string outside src/errors.ts', () => {
    expect(Object.values(CODE).sort()).toEqual(Object.keys(ERRORS).sort());
    const literal = files(SRC)
      .filter((f) => !f.endsWith('/errors.ts'))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['"`](E_[A-Z_]+)['"`]/g)].map((m) => `${relative(SRC, f)}: ${m[1]}`));
    expect(literal).toEqual([]);
  });

  it('every code is used somewhere in the tree', () => {
    const text = files(SRC).filter((f) => !f.endsWith('/errors.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = Object.keys(ERRORS).filter((k) => !text.includes(`CODE.${k.slice(2)}`) && !text.includes(`ERRORS.${k}`));
    expect(unused).toEqual([]);
  });

  it('every code is either caused by a test below (or the test named in ELSEWHERE) or environment-only', () => {
    const tested = new Set([...CAUSED, ...Object.keys(ELSEWHERE), ...ENVIRONMENT_ONLY]);
    expect(Object.keys(ERRORS).filter((k) => !tested.has(k))).toEqual([]);
  });
});

const CAUSED: string[] = [];
const cause = (code: ErrorCode, name: string, fn: () => Promise<void>) => {
  CAUSED.push(code);
  it(`${code}: ${name}`, fn, 60_000);
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scenario = (extra = '', receiver = 'persona: asyncos') => `name: e
nodes:
  mx: { role: receiver, ${receiver} }
  lan: { role: sender }
messages:
  - { id: m1, from: lan, to: mx }
${extra}`;

describe('each user-causable code, through the built CLI or the library, with its exact message', () => {
  cause('E_USAGE', 'a bad flag value', async () => {
    const r = await mxlab(['run', '--jobs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('mxlab run: --jobs must be a positive whole number, got "0"');
  });

  cause('E_INPUT_FILE', 'a missing --config file', async () => {
    const f = join(dir, 'missing.conf');
    const r = await mxlab(['proxy', '--device', 'asa 9.12(4)', '--upstream', '127.0.0.1:9', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mxlab: E_INPUT_FILE: Failed to read ${f}: expected a readable device configuration, got no such file.\n  Did you mistype the path?\n`);
  });

  cause('E_SCENARIO_INVALID', 'an unknown reason', async () => {
    const f = join(dir, 'reason.yaml');
    await writeFile(f, scenario('expect:\n  - { message: m1, reason: bogus-reason }\n'));
    const r = await mxlab(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8:28 expect\\[0\\]\\.reason: expected one of .*, got "bogus-reason"`));
  });

  cause('E_FIREWALL_CONFIG', 'a device version no train holds (library)', async () => {
    const err = await startFirewall({ name: 'fw', device: 'asa 99.1', clock: monotonicClock(), upstream: { host: '127.0.0.1', port: 9 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_FIREWALL_CONFIG', exit: 2 });
    expect((err as Error).message).toMatch(/^Failed to start firewall "fw": device /);
  });

  cause('E_RECEIVER_PERSONA', 'an unknown persona (library)', async () => {
    const err = await startReceiver({ name: 'r', persona: 'bogus' as 'generic', hostname: 'r.example', tls: 'off', certs: await generateRunCertificates(['r.example']), clock: monotonicClock() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_RECEIVER_PERSONA', exit: 2 });
    expect((err as Error).message).toBe('Failed to start receiver r: unknown persona "bogus". Did you mean one of asyncos, postfix, sendmail, exchange, generic?');
  });

  cause('E_RUNTIME_UNSUPPORTED', 'a real Postfix receiver on the local runtime', async () => {
    const f = join(dir, 'pf.yaml');
    await writeFile(f, scenario('', 'mta: postfix'));
    const r = await mxlab(['run', f, '--runtime', 'local']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('E_RUNTIME_UNSUPPORTED: node mx uses mta: postfix, which runs only in containers — run with --runtime docker');
  });

  cause('E_OUTPUT_PATH', '--out under /proc (Node would spin for ever making it)', async () => {
    const f = join(dir, 'ok.yaml');
    await writeFile(f, scenario());
    const r = await mxlab(['run', f, '--reporter', 'console,junit', '--out', '/proc/mxlab-report'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('mxlab: E_OUTPUT_PATH: Failed to create the folder /proc/mxlab-report: the folder above it cannot hold folders (a path under /proc or /sys, or a dangling link) (/proc/mxlab-report).\n  Did you mean another --out path?\n');
    // a folder that exists but cannot hold files: said before the run (was exit 3 after it, the reporters 'disabled')
    const self = await mxlab(['run', f, '--reporter', 'console,json', '--out', '/proc/self'], { timeoutMs: 20_000 });
    expect(self.code).toBe(2);
    expect(self.stdout).toBe('');
    expect(self.stderr).toBe('mxlab: E_OUTPUT_PATH: Failed to write into the folder /proc/self: it cannot hold files (ENOENT; a folder under /proc or /sys?).\n  Did you mean another --out path?\n');
  });

  cause('E_BUNDLE', 'replay of a file that is not a bundle', async () => {
    const f = join(dir, 'not-a-bundle.tar.gz');
    await writeFile(f, 'hello\n');
    const r = await mxlab(['replay', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mxlab: E_BUNDLE: Failed to read ${f}: not a gzip file. Is it a bundle written by mxlab run --reporter bundle?\n`);
  });

  cause('E_LISTEN', 'a busy port, named', async () => {
    const busy = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const p = await mxlab(['proxy', '--device', 'none', '--upstream', '127.0.0.1:9', '--listen', `127.0.0.1:${port}`]);
      expect(p.code).toBe(3);
      expect(p.stderr).toBe(`mxlab: E_LISTEN: Failed to start firewall proxy: 127.0.0.1:${port} is in use (EADDRINUSE).\n  Did you forget to stop another server on port ${port}, or mean port 0 (any free port)?\n`);
      const r = await mxlab(['receiver', '--persona', 'generic', '--listen', `127.0.0.1:${port}`]);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(`mxlab: E_LISTEN: Failed to start receiver receiver: 127.0.0.1:${port} is in use (EADDRINUSE).\n  Did you forget to stop another server on port ${port}, or mean port 0 (any free port)?\n`);
    } finally {
      busy.close();
    }
  });

  cause('E_IO', 'stdout on a full disk', async () => {
    const r = spawnSync('bash', ['-c', `node ${join(ROOT, 'bin/mxlab.js')} schema > /dev/full`], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toBe('mxlab: E_IO: Failed to write output: ENOSPC.\n');
  });

  cause('E_DOCKER_UNAVAILABLE', 'a docker run with no engine at DOCKER_HOST', async () => {
    const f = join(dir, 'docker.yaml');
    await writeFile(f, scenario('', 'mta: postfix'));
    const r = await mxlab(['run', f, '--runtime', 'docker'], { env: { DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}` } });
    expect(r.code).toBe(3);
    const sock = `unix://${join(dir, 'no-engine.sock')}`;
    expect(r.stdout).toContain(`E_DOCKER_UNAVAILABLE: Failed to reach the Docker engine at ${sock}: Cannot connect to the Docker daemon at ${sock}. Is the docker daemon running? Did you forget to start dockerd there, or mean another DOCKER_HOST?`);
  });

  cause('E_DOCKER_UNAVAILABLE', 'DOCKER_HOST=tcp://… where nothing listens, and where an HTTP server that is no engine answers', async () => {
    const refused = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const r = await mxlab(['images', 'list'], { env: { DOCKER_HOST: `tcp://127.0.0.1:${refused}` } });
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe(`mxlab: E_DOCKER_UNAVAILABLE: Failed to reach the Docker engine at tcp://127.0.0.1:${refused}: Cannot connect to the Docker daemon at tcp://127.0.0.1:${refused}. Is the docker daemon running? Did you forget to start dockerd there, or mean another DOCKER_HOST?`);
    // `docker info` exits 0 with an empty version here: mxlab used to take it for an engine and went on to debootstrap
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const f = join(dir, 'docker-http.yaml');
      await writeFile(f, scenario('', 'mta: postfix'));
      const run = await mxlab(['run', f, '--runtime', 'docker'], { env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` } });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(new RegExp(`E_DOCKER_UNAVAILABLE: Failed to reach the Docker engine at tcp://127\\.0\\.0\\.1:${port}: [^\\n]*404[^\\n]*\\. Did you forget to start dockerd there, or mean another DOCKER_HOST\\?`));
      expect(run.stdout).not.toContain('base image');
    } finally {
      server.close();
    }
  });
});
