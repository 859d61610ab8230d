import { assertLocalImage, ensureContextImage, ensureImages } from '../../images/build.js';
import type { ImageName } from '../../images/catalog.js';
import type { CellPlan } from '../../model/plan.js';
import { onForcedExit } from '../../cleanup.js';
import { HarnessError, type RunContext, type Runtime, type StartedCell } from '../types.js';
import { CODE } from '../../errors.js';
import { DockerCell } from './cell.js';
import { LABEL, sweep, type SweepResult } from './labels.js';
import { spawnReaper } from './reaper.js';
import { imageKey, imageNeed, kindOf, type ImageNeed } from './node-specs.js';
import { Stack } from './stack.js';
import { usesLabDns } from '../../dns/plan.js';
import { cellWants, startTopology } from './topology.js';

/**
 * Each node a container on internal Docker networks (testcontainers 11); real Postfix, Exim
 * and OpenSMTPD next to the same node programs as the local runtime. Everything it makes is
 * labelled `mxlab=true` + `mxlab.run=<runId>` and removed by stop()/dispose(), on abort, and
 * (when a run was killed) by the stale sweep at the next start.
 */
let cellCounter = 0;

/** Containers and networks are reused across a run's cells unless MXLAB_DOCKER_REUSE=0 (every cell then starts its own). */
const REUSE = process.env.MXLAB_DOCKER_REUSE !== '0';

/** Free stacks kept for later cells; the oldest beyond this is removed (each holds its containers' memory). */
const MAX_FREE = 3;

/** How long dispose() waits for cells still starting before its last sweep. */
const DISPOSE_WAIT_MS = 700;

export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const;
  /** image tag by imageKey: mxlab's images, images a scenario names, contexts it builds */
  private images?: Promise<Record<string, string>>;
  private runId?: string;
  private ctx?: RunContext;
  private disposed = false;
  /** cells whose containers are being started: an interrupt waits for them before its last sweep */
  private readonly starting = new Set<Promise<unknown>>();
  private unregisterForced?: () => void;
  /** stacks of finished cells, for the next cells to reuse (MXLAB_DOCKER_REUSE=0: none), oldest first */
  private readonly free: Stack[] = [];
  /** stack removals in flight */
  private readonly removing = new Set<Promise<void>>();

  async prepare(plans: CellPlan[], ctx: RunContext): Promise<void> {
    this.images ??= this.build(plans, ctx);
    await this.images;
  }

  private async build(plans: CellPlan[], ctx: RunContext): Promise<Record<string, string>> {
    this.runId = ctx.runId;
    this.ctx = ctx;
    // a second Ctrl-C does not wait for the graceful cleanup: it removes what carries the run label at once
    this.unregisterForced ??= onForcedExit(() => {
      spawnReaper(`${LABEL.run}=${ctx.runId}`);
      return sweep(`${LABEL.run}=${ctx.runId}`, { retryMs: 0 });
    });
    ctx.signal?.addEventListener('abort', () => void this.dispose(), { once: true });
    // the node image always: firewalls, personas, the builtin sender and the recording hops run it
    const needs = new Map<string, ImageNeed>([['node', { kind: 'mxlab', name: 'node' }]]);
    for (const p of plans) for (const n of Object.values(p.scenario.nodes)) {
      kindOf(n);
      const need = imageNeed(n, p.file);
      needs.set(imageKey(need), need);
    }
    const list = [...needs.values()];
    const mxlab = list.flatMap((n) => (n.kind === 'mxlab' ? [n.name] : [])) as ImageName[];
    const opts = { progress: ctx.progress, signal: ctx.signal };
    const [built, ...byo] = await Promise.all([
      ensureImages(mxlab, opts),
      ...list.flatMap((n) => (n.kind === 'build' ? [ensureContextImage(n.dir, opts).then((tag) => [imageKey(n), tag] as const)] : [])),
      ...list.flatMap((n) => (n.kind === 'ref' ? [assertLocalImage(n.ref).then(() => [imageKey(n), n.ref] as const)] : [])),
    ]);
    const swept = await sweep();
    if (swept.containers || swept.networks) ctx.progress(`docker: removed ${swept.containers} containers and ${swept.networks} networks left by an earlier run`);
    reportStuck(swept, ctx);
    return { ...Object.fromEntries(built.map((b) => [b.name, b.tag])), ...Object.fromEntries(byo as (readonly [string, string])[]) };
  }

  async startCell(plan: CellPlan, ctx: RunContext): Promise<StartedCell> {
    await this.prepare([plan], ctx);
    const images = await this.images!;
    if (Object.values(plan.scenario.nodes).some((n) => !images[imageKey(imageNeed(n, plan.file))])) {
      this.images = Promise.resolve({ ...images, ...(await this.build([plan], ctx)) });
    }
    const interrupted = () => new HarnessError(CODE.INTERRUPTED, 'the run was interrupted');
    if (ctx.signal?.aborted || this.disposed) throw interrupted();
    const starting = this.startOn(plan, ctx, await this.images!);
    this.starting.add(starting);
    const topo = await starting.finally(() => this.starting.delete(starting));
    if (ctx.signal?.aborted || this.disposed) {
      await this.drop(topo.stack);
      throw interrupted();
    }
    return new DockerCell(plan, ctx, topo, (reusable) => this.release(topo.stack, reusable));
  }

  /**
   * The cell on a stack of the pool that runs all it wants in place (the one that already runs the
   * most of it as it is) or on a new one; a stack that fails to come up is removed.
   */
  private async startOn(plan: CellPlan, ctx: RunContext, images: Record<string, string>) {
    const epochOrigin = Date.now() - ctx.clock.now();
    let stack: Stack | undefined;
    // a lab DNS cell starts on a new stack, as it hands its own on to none: its real MTAs route by MX through
    // its resolver (resolv.conf, no /etc/hosts line), which an MTA configured for one relay is not brought to
    if (this.free.length && !usesLabDns(plan.scenario)) {
      const { wants } = await cellWants(plan, ctx, images, epochOrigin);
      // picked and taken in one synchronous step: cells starting at once never share a stack
      const scored = this.free.map((st) => ({ st, score: st.score(wants(st)) })).filter((x) => x.score >= 0).sort((a, b) => b.score - a.score);
      stack = scored[0]?.st;
      if (stack) this.free.splice(this.free.indexOf(stack), 1);
    }
    // unique per process, even when a runner makes more than one DockerRuntime for a run
    stack ??= await Stack.create(`${ctx.runId}-${++cellCounter}`, ctx);
    try {
      return await startTopology(plan, ctx, stack, images);
    } catch (err) {
      await this.drop(stack);
      throw err;
    }
  }

  /**
   * A cell is done with its stack: back into the pool when it left every container clean (the
   * oldest free stack beyond MAX_FREE removed), else removed. A removal runs on in the background
   * (its containers leave their networks one at a time first, see labels.ts): the next cell does
   * not wait for it, dispose() does.
   */
  private async release(stack: Stack, reusable: boolean): Promise<void> {
    if (!reusable || !REUSE || this.disposed || !stack.clean()) {
      void this.drop(stack);
      return;
    }
    stack.pooled = true;
    this.free.push(stack);
    while (this.free.length > MAX_FREE) void this.drop(this.free.shift()!);
  }

  /** Starts removing a stack (containers, then networks); dispose() waits for removals in flight before its own sweep. */
  private drop(stack: Stack): Promise<void> {
    const i = this.free.indexOf(stack);
    if (i >= 0) this.free.splice(i, 1);
    const removing = stack.remove(Boolean(this.ctx?.signal?.aborted)).finally(() => this.removing.delete(removing));
    this.removing.add(removing);
    return removing;
  }

  /** Removes every container and network of this run; idempotent (sweeps again when called again). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const free = this.free.splice(0);
    if (!this.runId) return;
    const label = `${LABEL.run}=${this.runId}`;
    // one removal at a time per container and network: the cells' removals in flight end first
    // (each is bounded: a sweep), then the free stacks, then the run's sweep catches the rest
    await Promise.allSettled([...this.removing]);
    await Promise.allSettled(free.map((st) => st.remove(Boolean(this.ctx?.signal?.aborted))));
    const swept = await sweep(label, this.ctx?.signal?.aborted ? { retryMs: 0 } : {}).catch(() => undefined);
    if (swept && this.ctx) reportStuck(swept, this.ctx);
    if (this.starting.size) {
      // a cell still starting may create a container or network after that sweep listed them: wait
      // a moment for it (it stops at its next step once disposed) and sweep again; what is still
      // on its way after that is left to the reaper, so an interrupt ends the run within 2 s
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.starting]), new Promise((r) => (timer = setTimeout(r, DISPOSE_WAIT_MS)))]);
      clearTimeout(timer);
      if (this.starting.size) spawnReaper(label);
      await sweep(label, this.ctx?.signal?.aborted ? { retryMs: 0 } : {}).catch(() => undefined);
    }
    this.unregisterForced?.();
    this.unregisterForced = undefined;
  }
}

export function createDockerRuntime(): Runtime {
  return new DockerRuntime();
}

/** Says which networks only a restart of dockerd can remove (the engine's fault, not the run's). */
function reportStuck(swept: SweepResult, ctx: Pick<RunContext, 'progress'>): void {
  if (!swept.stuck.length) return;
  ctx.progress(
    `docker: the engine refuses to remove ${swept.stuck.join(', ')}: it counts endpoints no container has (moby #42119); restart dockerd to clear ${swept.stuck.length === 1 ? 'it' : 'them'}`,
  );
}
