import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/mxlab.js', import.meta.url));

/** A long-running `mxlab …` child with its JSON lines collected. */
export class Served {
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
        for (const w of this.waiters.splice(0)) w();
      }
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(args: string[]): Served {
    return new Served(spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } }));
  }

  /** Waits (up to 10 s) for a JSON line matching `pred`. */
  async line(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const hit = this.lines.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`no such line; stderr: ${this.stderr}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exited;
  }
}

/** A `Served.start` for a test file whose children are stopped after each test. */
export function servedAfterEach(): (args: string[]) => Served {
  const children: Served[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  });
  return (args) => {
    const s = Served.start(args);
    children.push(s);
    return s;
  };
}
