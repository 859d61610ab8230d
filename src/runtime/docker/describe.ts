import type { CellPlan } from '../../model/plan.js';
import type { NodeVersion } from '../../model/result.js';
import { describeNodes } from '../describe-nodes.js';
import type { NodeContainer } from './containers.js';
import { adapterOf } from './mta/index.js';
import { runtimeClient } from './tc.js';
import type { StartedTopology } from './topology.js';

/** `node /opt/mxlab/bin/mxlab.js --version` and `node --version`, in one exec. */
const MXLAB_VERSION = ['/bin/sh', '-c', '/usr/local/bin/node /opt/mxlab/bin/mxlab.js --version; /usr/local/bin/node --version'];

/**
 * What ran as each node of a docker cell, read from the running containers: a real MTA's own
 * version command (`postconf -h mail_version`, `exim -bV`, …), the mxlab and Node versions of the
 * node programs (firewalls, personas, the builtin sender, recording hops), and every container's
 * image tag and id as the engine reports them.
 */
export async function describeDockerNodes(plan: CellPlan, topo: StartedTopology): Promise<Record<string, NodeVersion>> {
  const out = describeNodes(plan);
  const all: [string, NodeContainer][] = [...[...topo.nodes].map(([n, node]): [string, NodeContainer] => [n, node.c]), ...[...topo.recorders.values(), ...topo.receiverRecorders.values()].map((r): [string, NodeContainer] => [r.c.node, r.c])];
  await Promise.all(
    all.map(async ([name, c]) => {
      const spec = plan.scenario.nodes[name];
      const real = spec && (spec.role === 'sender' || spec.role === 'receiver') && spec.mta !== 'builtin' ? adapterOf(spec) : undefined;
      const [version, image] = await Promise.all([
        real ? run(c, real.version.argv).then((o) => (o === undefined ? 'unknown' : real.version.parse(o))) : run(c, MXLAB_VERSION).then(mxlabVersion),
        imageOf(c),
      ]);
      const known = out[name] ?? { role: 'firewall' as const, software: 'recording hop (mxlab proxy, device none)', version };
      out[name] = { ...known, version, ...image };
    }),
  );
  return out;
}

/** The output of a command in the container (stdout and stderr), or undefined when it could not run. */
async function run(c: NodeContainer, argv: string[]): Promise<string | undefined> {
  try {
    const r = await c.container.exec(argv);
    return r.output;
  } catch {
    return undefined;
  }
}

/** `mxlab 0.1.0 (Node v20.18.0)` from the two version lines. */
function mxlabVersion(out: string | undefined): string {
  const lines = (out ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const mxlab = lines.find((l) => /^(?:mxlab )?\d+\.\d+/.test(l));
  const node = lines.find((l) => /^v\d+\./.test(l));
  if (!mxlab) return 'unknown';
  return `mxlab ${mxlab.replace(/^mxlab /, '')}${node ? ` (Node ${node})` : ''}`;
}

/** The image the container runs, as its tag and the engine's image id. */
async function imageOf(c: NodeContainer): Promise<{ image?: string; imageId?: string }> {
  try {
    const client = await runtimeClient();
    const info = await client.container.dockerode.getContainer(c.container.getId()).inspect();
    return { image: info.Config.Image, imageId: info.Image };
  } catch {
    return {};
  }
}
