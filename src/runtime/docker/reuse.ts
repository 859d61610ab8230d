import { CODE } from '../../errors.js';
import { HarnessError } from '../types.js';
import { signalNode } from './apply-step.js';
import { execOk, type NodeContainer, type NodeContainerSpec, type Reload } from './containers.js';

/** Where the environment contract goes for `entrypoint.sh reconfigure` (containers/README.md). */
export const ENV_FILE = '/etc/mxlab/env';
/** How long a real MTA may take to run with its new configuration. */
const RELOAD_MS = 60_000;

/**
 * What a container that runs `held` needs to run `want`: nothing (`same`), its files (and for a
 * real MTA its environment) rewritten and the program told (`reload`), or a new container.
 */
export function fitOf(held: NodeContainerSpec, want: NodeContainerSpec): 'same' | 'reload' | 'recreate' {
  if (held.reload?.how === 'never' || want.reload?.how === 'never') return 'recreate';
  if (fixedKey(held) !== fixedKey(want)) return 'recreate';
  if (mutableKey(held) === mutableKey(want)) return 'same';
  return want.reload ? 'reload' : 'recreate';
}

/** What a container cannot change while it runs: image, command (its epoch origin aside), networks, and, unless its MTA reconfigures, its environment. */
function fixedKey(s: NodeContainerSpec): string {
  const command = s.command?.map((a, i, all) => (all[i - 1] === '--epoch-origin' ? '*' : a));
  const env = s.reload?.how === 'mta' ? { MXLAB_ROLE: s.env?.MXLAB_ROLE } : s.env;
  return JSON.stringify([s.image, s.network, s.extraNetworks ?? [], s.entrypoint, command, env, s.logFile, s.ready.source, s.reload?.how]);
}

function mutableKey(s: NodeContainerSpec): string {
  const files = [...(s.files ?? [])].sort((a, b) => a.target.localeCompare(b.target)).map((f) => [f.target, f.content, f.mode]);
  return JSON.stringify([files, s.reload?.how === 'mta' ? s.env : undefined]);
}

/**
 * Makes a running container of an earlier cell run `want`: a fresh log from here on (the fence),
 * the files that differ copied in, and the program told — SIGHUP for mxlab's node programs, `ENTRY
 * reconfigure` (the environment contract in ENV_FILE; it empties the queue) for a real MTA, or with
 * nothing to change `ENTRY reset` (the queue emptied). A real receiver's maildir is emptied either way. Returns the container with its spec updated.
 */
export async function reuse(c: NodeContainer, want: NodeContainerSpec): Promise<NodeContainer> {
  // a container whose MTA did not deliver everything is never passed on (stack.ts), so an MTA here
  // holds no delivery of an earlier cell: no host marked down, no envelope in flight
  const fit = fitOf(c.spec, want);
  if (fit === 'recreate') throw new HarnessError(CODE.INTERNAL, `container ${c.name} cannot run the new spec in place`);
  c.logs = c.feed.fence();
  const reload = want.reload;
  if (fit === 'reload' && reload) {
    const had = new Map((c.spec.files ?? []).map((f) => [f.target, f.content]));
    const changed = (want.files ?? []).filter((f) => had.get(f.target) !== f.content);
    const env = reload.how === 'mta' ? [{ content: envFile(want.env ?? {}), target: ENV_FILE }] : [];
    if (changed.length || env.length) await c.container.copyContentToContainer([...changed, ...env]);
    if (reload.how === 'signal') await signalNode(c, 'HUP', 'reloaded');
    if (reload.how === 'mta') await reconfigure(c, reload);
  }
  if (reload?.how === 'mta' && fit === 'same') {
    // nothing to reconfigure, but what an earlier cell left (a bounce, a message it gave up following) goes
    await execOk(c, ['/bin/sh', reload.entrypoint, 'reset'], `emptying the queue of ${c.node}`);
  }
  if (reload?.how === 'mta' && reload.maildir) {
    await execOk(c, ['sh', '-c', 'rm -rf "$1"/.mxlab-batch-* "$1"/new/* "$1"/tmp/*', 'sh', reload.maildir], `emptying the maildir of ${c.node}`);
  }
  c.spec = want;
  return c;
}

/** `ENTRY reconfigure` in a real MTA's container, done when the MTA logs that it runs again. */
async function reconfigure(c: NodeContainer, reload: Extract<Reload, { how: 'mta' }>): Promise<void> {
  const from = c.logs.length;
  await execOk(c, ['/bin/sh', reload.entrypoint, 'reconfigure'], `reconfiguring ${c.node}`);
  if ((await c.logs.waitFor((l) => reload.reloaded.test(l), from, RELOAD_MS)) < 0) {
    throw new HarnessError(CODE.CONTAINER_START, `node ${c.node} was reconfigured but its MTA did not log ${reload.reloaded} within ${RELOAD_MS / 1000} s`, `docker logs ${c.name}`);
  }
}

/**
 * A reused real MTA sender whose next hop moved (a container replaced under the same name has a new
 * address): its delivery restarts, since an MTA may hold the old address (OpenSMTPD's resolver and
 * route caches, connection caches).
 */
export async function restartDelivery(c: NodeContainer): Promise<void> {
  if (c.spec.reload?.how === 'mta') await reconfigure(c, c.spec.reload);
}

/** The environment contract as a shell file: every MXLAB_* variable of the container's start unset, then this cell's. */
export function envFile(env: Record<string, string>): string {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return [
    'for v in $(env | sed -n "s/^\\(MXLAB_[A-Za-z0-9_]*\\)=.*/\\1/p"); do unset "$v"; done',
    ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
    '',
  ].join('\n');
}
