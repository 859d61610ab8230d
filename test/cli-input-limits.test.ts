import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlab } from './helpers/cli.js';

// Bad inputs of every kind through the built CLI: exit 2 with file:line:col, at once, no stack.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ok = `name: ok
nodes:
  esa: { role: receiver, persona: asyncos }
  lan: { role: sender }
messages:
  - { id: m1, from: lan, to: esa }
`;

async function file(name: string, text: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |internal error/);

describe('input files', () => {
  it('refuses a FIFO at once (no reader hangs on it)', async () => {
    const f = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [f]);
    for (const cmd of ['validate', 'run']) {
      const r = await mxlab([cmd, f], { timeoutMs: 20_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${f}:1:1 (file): expected a scenario file (a regular file), got a FIFO (named pipe) — Only regular files are read: write a pipe or a process substitution to a file first.`);
      noStack(r.stderr);
    }
  });

  it('refuses a device (a link to /dev/zero) without reading it', async () => {
    const f = join(dir, 'zero.yaml');
    await symlink('/dev/zero', f);
    const r = await mxlab(['validate', f], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:1:1 (file): expected a scenario file (a regular file), got a character device`);
  });

  it('refuses a file larger than 4 MiB', async () => {
    const f = await file('big.yaml', `${ok}description: "${'a'.repeat(4 * 1024 * 1024)}"\n`);
    const r = await mxlab(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:1:1 (file): expected a scenario file of at most 4,194,304 bytes, got 4,194,449 bytes — Did you give the right file?`);
  });

  it('refuses a folder named like a scenario', async () => {
    const d = join(dir, 'folder.yaml');
    await mkdir(d);
    const r = await mxlab(['validate', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Failed to find scenarios in ${d}: the folder has no *.yaml files`);
  });

  it('reports an alias bomb and deep nesting at their line and column', async () => {
    const bomb = await file('bomb.yaml', `${ok}x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
x-d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
`);
    const r = await mxlab(['validate', bomb]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bomb}:8:10 (file): expected aliases that expand to at most 100 nodes each, got an alias expanding far more (an alias bomb) — write the values out, or use fewer anchors`);
    noStack(r.stderr);
    const many = await file('aliases.yaml', `${ok}x-a: &a 1\nx-b: [${Array(101).fill('*a').join(', ')}]\n`);
    const m = await mxlab(['validate', many]);
    expect(m.stderr).toContain(`${many}:8:${7 + 100 * 4} (file): expected at most 100 aliases (*name), got 101 — write the values out, or use fewer anchors`);
    const deep = await file('deep.yaml', `${ok}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    const d = await mxlab(['validate', deep]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain(`${deep}:7:${4 + 31} (file): expected mappings and lists nested at most 32 deep, got deeper — a scenario needs 6 levels; is this file generated?`);
    noStack(d.stderr);
  });

  it('reports a 1 MB hostname at its line before any certificate is made', async () => {
    const f = await file('host.yaml', ok.replace('persona: asyncos', `persona: asyncos, hostname: ${'a'.repeat(1 << 20)}`));
    const r = await mxlab(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:3:54 nodes.esa.hostname: expected a host name of at most 253 characters, got "${'a'.repeat(57)}..." (1,048,576 characters)`);
    noStack(r.stderr);
  });

  it('refuses a FIFO, a directory or a missing file as --config of mxlab proxy', async () => {
    const fifo = join(dir, 'conf.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await mxlab(['proxy', '--device', 'asa 9.12(4)', '--upstream', '127.0.0.1:9', '--listen', '127.0.0.1:0', '--config', fifo], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mxlab: E_INPUT_FILE: Failed to read ${fifo}: expected a device configuration (a regular file), got a FIFO (named pipe).\n  Only regular files are read: write a pipe or a process substitution to a file first.\n`);
    const missing = await mxlab(['proxy', '--device', 'asa 9.12(4)', '--upstream', '127.0.0.1:9', '--config', join(dir, 'nope.conf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`mxlab: E_INPUT_FILE: Failed to read ${join(dir, 'nope.conf')}: expected a readable device configuration, got no such file.\n  Did you mistype the path?\n`);
  });

  it('refuses a golden: that can never be a file (directory, FIFO, device, path through a file) at its key, for validate and run --update', async () => {
    const sub = join(dir, 'golden');
    await mkdir(join(sub, 'adir'), { recursive: true });
    execFileSync('mkfifo', [join(sub, 'pipe.golden')]);
    await writeFile(join(sub, 'plain.txt'), 'x');
    const cases: [string, string, string][] = [
      ['adir', 'a directory', ' — Did you mean a file inside it?'],
      ['pipe.golden', 'a FIFO (named pipe)', ' — Only regular files are read: write a pipe or a process substitution to a file first.'],
      ['/dev/null', 'a character device', ' — Only regular files are read: a device (such as /dev/zero) never is.'],
      ['plain.txt/m.golden', 'a path through something that is not a folder', ''],
    ];
    for (const [value, got, hint] of cases) {
      const f = join(sub, 'g.yaml');
      await writeFile(f, `${ok}expect:\n  - { message: m1, golden: "${value}" }\n`);
      for (const args of [['validate', f], ['run', f, '--update']]) {
        const r = await mxlab(args, { timeoutMs: 20_000 });
        expect(r.code, `${args.join(' ')} with golden: ${value}`).toBe(2);
        expect(r.stderr).toContain(`${f}:8:28 expect[0].golden: expected a golden file (a regular file, or none yet: mxlab run --update writes it), got ${got}${hint}\n`);
        noStack(r.stderr);
      }
    }
    // a golden file not written yet is no input error: --update writes it
    const f = join(sub, 'new.yaml');
    await writeFile(f, `${ok}expect:\n  - { message: m1, golden: new.golden }\n`);
    expect((await mxlab(['validate', f])).code).toBe(0);
  });

  it('refuses a directory or a device as --config with a hint that fits each', async () => {
    const d = join(dir, 'as-config');
    await mkdir(d);
    const r = await mxlab(['proxy', '--device', 'asa 9.12(4)', '--upstream', '127.0.0.1:9', '--listen', '127.0.0.1:0', '--config', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mxlab: E_INPUT_FILE: Failed to read ${d}: expected a device configuration (a regular file), got a directory.\n  Did you mean a file inside it?\n`);
    const z = await mxlab(['proxy', '--device', 'asa 9.12(4)', '--upstream', '127.0.0.1:9', '--listen', '127.0.0.1:0', '--config', '/dev/zero']);
    expect(z.code).toBe(2);
    expect(z.stderr).toBe(`mxlab: E_INPUT_FILE: Failed to read /dev/zero: expected a device configuration (a regular file), got a character device.\n  Only regular files are read: a device (such as /dev/zero) never is.\n`);
  });

  it('refuses a --cert-file / --key-file pair TLS cannot use, before listening (was internal error)', async () => {
    const sub = join(dir, 'pem');
    await mkdir(sub);
    const pem = (name: string, cn: string, extra: string[] = []) =>
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(sub, `${name}.key`), '-out', join(sub, `${name}.crt`), '-subj', `/CN=${cn}`, '-days', '1', ...extra], { stdio: 'ignore' });
    pem('a', 'a.example');
    pem('b', 'b.example');
    await writeFile(join(sub, 'junk.pem'), 'not a certificate\n');
    const cases: [string, string, string][] = [
      ['junk.pem', 'junk.pem', 'no PEM block found (a file starting with -----BEGIN …)'],
      ['a.crt', 'b.key', 'the private key does not belong to the certificate'],
    ];
    for (const [cert, key, why] of cases) {
      const r = await mxlab(['receiver', '--persona', 'asyncos', '--listen', '127.0.0.1:0', '--cert-file', join(sub, cert), '--key-file', join(sub, key)]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`mxlab receiver: Failed to use --cert-file ${join(sub, cert)} with --key-file ${join(sub, key)}: ${why}. Did you give a PEM certificate and its own private key?`);
      noStack(r.stderr);
    }
  });

  it('refuses a --hostname that is no host name in mxlab receiver', async () => {
    const r = await mxlab(['receiver', '--persona', 'asyncos', '--listen', '127.0.0.1:0', '--hostname', 'a'.repeat(100_000)]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('mxlab receiver: --hostname expects a host name of at most 253 characters, got 100000 characters');
  });
});

describe('selection', () => {
  it('a --shard that selects no run is exit 2 for run and validate', async () => {
    const f = await file('two.yaml', `${ok}matrix:\n  esa.persona: [asyncos, postfix]\n`);
    for (const cmd of ['run', 'validate']) {
      const r = await mxlab([cmd, f, '--shard', '3/3']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('mxlab: E_USAGE: Failed to select runs with --shard 3/3: the scenarios expand to 2 runs, so shard 3 gets none.\n  Did you mean at most 2 shards (--shard I/2)?\n');
    }
    const v = await mxlab(['validate', f, '--shard', '2/3']);
    expect(v.code).toBe(0);
  });

  it('a forwarding loop through firewalls is exit 2 at validate', async () => {
    const f = await file('loop.yaml', `name: loop
nodes:
  esa: { role: receiver }
  fw1: { role: firewall, device: none, forwards-to: fw2 }
  fw2: { role: firewall, device: none, forwards-to: fw3 }
  fw3: { role: firewall, device: none, forwards-to: fw1 }
  lan: { role: sender, via: fw1 }
messages:
  - { id: m1, from: lan, to: esa }
`);
    const r = await mxlab(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:4:53 nodes.fw1.forwards-to: expected forwards-to to lead to a receiver, got a forwarding loop fw1 → fw2 → fw3 → fw1 — point one of fw1, fw2, fw3 at a receiver`);
  });
});
