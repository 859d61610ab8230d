import { CODE } from '../../errors.js';
import { HarnessError, type RunContext } from '../types.js';
import { startNodeContainer, type NodeContainer, type NodeContainerSpec } from './containers.js';
import { LABEL, runLabels, sweep } from './labels.js';
import { fitOf, reuse } from './reuse.js';
import { runtimeClient } from './tc.js';

/** What a cell wants running: one container spec per container name suffix (node, or `sender-rec`). */
export type Wanted = Map<string, NodeContainerSpec>;

/**
 * One set of containers on its own two internal networks (`outside`, `inside`), labelled by run
 * and stack. A cell runs on a stack; when it is done the stack goes back to the runtime's pool,
 * and a later cell takes it only if it can run on every container as it is (its log fenced) or
 * reloaded in place (reuse.ts) and wants no other container: a container is never replaced or
 * added on a network that lives on (dockerd 20.10 can lose count of a network's endpoints, moby#42119,
 * and then refuses to remove the network until the daemon restarts: the fewer endpoints come and
 * go, the fewer chances). Everything else starts on a new stack; a stack is removed whole: each
 * container leaves its networks one endpoint at a time, then the containers go, then the networks
 * (labels.ts sweep).
 */
export class Stack {
  readonly prefix: string;
  readonly labels: Record<string, string>;
  private readonly networkIds: Record<string, string> = {};
  readonly held = new Map<string, NodeContainer>();
  /** an earlier cell ran on it: it runs the next cell only in place */
  pooled = false;
  /** removed, or being removed: never handed out again */
  private removed?: Promise<void>;

  private constructor(
    readonly id: string,
    runId: string,
  ) {
    this.prefix = `mxlab-${id}`;
    this.labels = { ...runLabels(runId), [LABEL.cell]: id };
  }

  /** The stack's two networks. */
  static async create(id: string, ctx: RunContext): Promise<Stack> {
    const s = new Stack(id, ctx.runId);
    try {
      const client = await runtimeClient();
      for (const side of ['outside', 'inside']) {
        if (ctx.signal?.aborted) throw new HarnessError(CODE.INTERRUPTED, 'the run was interrupted');
        const name = s.network(side as 'outside' | 'inside');
        const net = await client.network.create({ Name: name, Internal: true, CheckDuplicate: true, Labels: s.labels });
        s.networkIds[name] = net.id;
      }
    } catch (err) {
      await s.remove(Boolean(ctx.signal?.aborted));
      throw err;
    }
    return s;
  }

  network(side: 'outside' | 'inside'): string {
    return `${this.prefix}-${side}`;
  }

  containerName(key: string): string {
    return `${this.prefix}-${key}`;
  }

  /**
   * How much of `want` this stack already runs (2 per container as it is, 1 per container that
   * reloads), or -1 when it cannot run `want` without starting or removing a container.
   */
  score(want: Wanted): number {
    if (this.removed || want.size !== this.held.size) return -1;
    let n = 0;
    for (const [key, spec] of want) {
      const c = this.held.get(key);
      if (!c || c.dirty || c.unclean) return -1;
      const fit = fitOf(c.spec, spec);
      if (fit === 'recreate') return -1;
      n += fit === 'same' ? 2 : 1;
    }
    return n;
  }

  /** Whether a cell left every container as a later cell may take it (no timeline change, no delivery left in an MTA). */
  clean(): boolean {
    return [...this.held.values()].every((c) => !c.dirty && !c.unclean);
  }

  /**
   * Runs `want`: on a new stack the containers it does not run yet started (in parallel), on a
   * pooled one (score ≥ 0) every container reused or reloaded. `progress` says what starts. Returns the containers by key.
   */
  async bring(want: Wanted, ctx: RunContext, progress: (key: string, spec: NodeContainerSpec, how: 'start' | 'reuse') => void): Promise<Map<string, NodeContainer>> {
    if (this.pooled && this.score(want) < 0) {
      throw new HarnessError(CODE.INTERNAL, `stack ${this.id} was given a cell it cannot run in place`);
    }
    const out = new Map<string, NodeContainer>();
    const steps = [...want].map(async ([key, spec]) => {
      if (ctx.signal?.aborted) throw new HarnessError(CODE.INTERRUPTED, 'the run was interrupted');
      const had = this.held.get(key);
      if (had) {
        progress(key, spec, 'reuse');
        out.set(key, await reuse(had, spec));
        return;
      }
      progress(key, spec, 'start');
      const c = await startNodeContainer({ ...spec, labels: { ...spec.labels, ...this.labels } }, this.networkIds);
      this.held.set(key, c);
      out.set(key, c);
    });
    const results = await Promise.allSettled(steps);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return out;
  }

  /** Removes every container and network of the stack (`interrupted`: at once, no endpoint-by-endpoint disconnect, no retry). */
  remove(interrupted = false): Promise<void> {
    this.removed ??= (async () => {
      this.held.clear();
      await sweep(`${LABEL.cell}=${this.id}`, interrupted ? { retryMs: 0 } : {}).catch(() => undefined);
    })();
    return this.removed;
  }
}
