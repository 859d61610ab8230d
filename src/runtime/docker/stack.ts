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
 * and stack. A cell runs on a stack; when it is done the stack goes back to the runtime's pool and
 * a later cell reuses what fits: the networks always, each container whose spec is the same (its
 * log fenced), or differs only in what it can reload (reuse.ts); the rest is replaced under the
 * same name, so the names the other containers were given still resolve.
 */
export class Stack {
  readonly prefix: string;
  readonly labels: Record<string, string>;
  private readonly networkIds: Record<string, string> = {};
  readonly held = new Map<string, NodeContainer>();

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
      await s.remove();
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

  /** How much of `want` this stack already runs: 2 per container as it is, 1 per container that reloads. */
  score(want: Wanted): number {
    let n = 0;
    for (const [key, spec] of want) {
      const c = this.held.get(key);
      if (!c || c.dirty) continue;
      const fit = fitOf(c.spec, spec);
      n += fit === 'same' ? 2 : fit === 'reload' ? 1 : 0;
    }
    return n;
  }

  /**
   * Runs exactly `want`: containers it does not name are removed, the others reused, reloaded or
   * started (in parallel). `progress` says what starts. Returns the containers by key.
   */
  async bring(want: Wanted, ctx: RunContext, progress: (key: string, spec: NodeContainerSpec, how: 'start' | 'reuse') => void): Promise<Map<string, NodeContainer>> {
    const stale = [...this.held.keys()].filter((k) => !want.has(k));
    await Promise.all(stale.map((k) => this.drop(k)));
    const out = new Map<string, NodeContainer>();
    const steps = [...want].map(async ([key, spec]) => {
      if (ctx.signal?.aborted) throw new HarnessError(CODE.INTERRUPTED, 'the run was interrupted');
      const had = this.held.get(key);
      if (had && !had.dirty && fitOf(had.spec, spec) !== 'recreate') {
        progress(key, spec, 'reuse');
        out.set(key, await reuse(had, spec));
        return;
      }
      if (had) await this.drop(key);
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

  /** Removes the containers a timeline step changed (a later cell must not inherit the change). */
  async dropDirty(): Promise<void> {
    await Promise.all([...this.held].filter(([, c]) => c.dirty).map(([k]) => this.drop(k)));
  }

  private async drop(key: string): Promise<void> {
    const c = this.held.get(key);
    this.held.delete(key);
    if (!c) return;
    const client = await runtimeClient();
    await client.container.dockerode.getContainer(c.container.getId()).remove({ force: true, v: true }).catch(() => undefined);
  }

  /** Removes every container and network of the stack. */
  async remove(): Promise<void> {
    this.held.clear();
    await sweep(`${LABEL.cell}=${this.id}`).catch(() => undefined);
  }
}
