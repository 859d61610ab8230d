import { hostname } from 'node:os';
import { runtimeClient } from './tc.js';

/** Every container and network mxlab makes carries these labels. */
export const LABEL = { project: 'mxlab', run: 'mxlab.run', cell: 'mxlab.cell', pid: 'mxlab.pid', host: 'mxlab.host', node: 'mxlab.node' } as const;

export function runLabels(runId: string): Record<string, string> {
  return { [LABEL.project]: 'true', [LABEL.run]: runId, [LABEL.pid]: String(process.pid), [LABEL.host]: hostname() };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stale = labelled mxlab by a process of this host that is gone, or by another host more than a day ago. */
function stale(labels: Record<string, string> | undefined, created: number): boolean {
  const pid = Number(labels?.[LABEL.pid]);
  if (labels?.[LABEL.host] === hostname() && pid > 0) return !alive(pid);
  return Date.now() / 1000 - created > 24 * 3600;
}

export interface SweepResult {
  containers: number;
  networks: number;
  /**
   * Networks the engine would not remove though no container is on them: it still counts
   * endpoints it no longer has (moby #42119, seen with dockerd 20.10); only a restart of dockerd
   * clears them
   */
  stuck: string[];
}

/** How long a network that still has endpoints is tried again: a container removal may be in flight. */
const NETWORK_RETRY_MS = 3_000;

/**
 * Removes mxlab containers and networks: those carrying `label` (e.g. `mxlab.run=ID`) when
 * given, else the stale ones left by killed runs (a live run's are left alone, so parallel runs
 * do not break each other). A network that still has endpoints is tried again for `retryMs`
 * (default 3 s; 0 after an interrupt, which must end the run at once).
 *
 * Unless interrupted, each container is first disconnected from its networks, one endpoint at a
 * time per network, and only then removed: dockerd 20.10 keeps a per-network endpoint count in
 * its store beside the endpoints, and a network whose count outlives its last endpoint can never be
 * removed until the daemon restarts (moby#42119; Docker 28.1 dropped the count). Endpoints deleted
 * one by one, before the kill, keep the count's updates from racing one another and the exit
 * handler's own release of the container's network.
 */
export async function sweep(label?: string, opts: { retryMs?: number } = {}): Promise<SweepResult> {
  const runId = label;
  const client = await runtimeClient();
  const docker = client.container.dockerode;
  const filter = { label: [label ?? `${LABEL.project}=true`] };
  const containers = (await docker.listContainers({ all: true, filters: filter })).filter(
    (c) => runId !== undefined || stale(c.Labels, c.Created),
  );
  if (opts.retryMs !== 0) await disconnectAll(docker, containers);
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const networks = (await docker.listNetworks({ filters: filter })).filter(
    (n) => runId !== undefined || stale(n.Labels, Date.parse(n.Created ?? '') / 1000 || 0),
  );
  let removed = 0;
  const stuck: string[] = [];
  for (const n of networks) {
    const net = docker.getNetwork(n.Id);
    for (const until = Date.now() + (opts.retryMs ?? NETWORK_RETRY_MS); ; ) {
      const err = await net.remove().then(() => undefined, (e: Error) => e);
      if (!err) {
        removed++;
        break;
      }
      if (!/active endpoints/.test(err.message)) break; // gone already, or the engine went away
      if (Date.now() >= until) {
        const info = (await net.inspect().catch(() => undefined)) as { Containers?: Record<string, unknown> } | undefined;
        if (info && Object.keys(info.Containers ?? {}).length === 0) stuck.push(n.Name);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { containers: containers.length, networks: removed, stuck };
}

/** Disconnects every container from each of its networks: networks in parallel, one endpoint at a time within a network. */
async function disconnectAll(
  docker: { getNetwork(id: string): { disconnect(opts: { Container: string; Force: boolean }): Promise<unknown> } },
  containers: { Id: string; NetworkSettings?: { Networks?: Record<string, { NetworkID?: string }> } }[],
): Promise<void> {
  const byNetwork = new Map<string, string[]>();
  for (const c of containers) {
    for (const n of Object.values(c.NetworkSettings?.Networks ?? {})) {
      if (n.NetworkID) byNetwork.set(n.NetworkID, [...(byNetwork.get(n.NetworkID) ?? []), c.Id]);
    }
  }
  await Promise.all(
    [...byNetwork].map(async ([id, ids]) => {
      const net = docker.getNetwork(id);
      // gone already, or the engine went away: the removal below says what matters
      for (const c of ids) await net.disconnect({ Container: c, Force: true }).catch(() => undefined);
    }),
  );
}
