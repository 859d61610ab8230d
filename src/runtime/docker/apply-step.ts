import { FirewallConfigError, resolveDevice } from '../../actors/firewall/index.js';
import type { CellPlan } from '../../model/plan.js';
import type { TimelineStep } from '../../scenario/schema.js';
import { faultCertificate, presentedChain, type KeyPair, type RunCertificates } from '../../tls/certs.js';
import { applyFirewallStep, firewallState, type FirewallState } from '../firewall-state.js';
import { HarnessError } from '../types.js';
import { CODE } from '../../errors.js';
import type { CellNode } from './cell-node.js';
import { execOk, type NodeContainer } from './containers.js';

/** Where a node container keeps what a step rewrites (written at start by node-specs, read again on SIGHUP). */
export const PROFILE_FILE = '/etc/mxlab/firewall-profile.json';
export const RECEIVER_SETTINGS_FILE = '/etc/mxlab/receiver-settings.json';
const TLS_DIR = '/etc/mxlab/tls';
/** How long a node may take to acknowledge a control signal. */
const ACK_MS = 10_000;

/**
 * A timeline step on a docker cell: the node program in the container is told, the way an admin tells
 * a running server. A firewall gets its new resolved profile as a file and SIGHUP; a persona receiver
 * its settings (and a fault's certificate files) and SIGHUP; SIGUSR1/SIGUSR2 close and open a port. A
 * real Postfix receiver is changed with postconf and `postfix reload`. Each change is acknowledged in
 * the node's log before the step counts as applied.
 */
export class DockerSteps {
  private readonly firewalls = new Map<string, FirewallState>();

  constructor(
    private readonly plan: CellPlan,
    private readonly nodes: Map<string, CellNode>,
    private readonly certs: RunCertificates,
    /** the recording hops in front of a receiver: they stop and start with it, so a stopped receiver still refuses connections */
    private readonly recordersOf: (receiver: string) => { c: NodeContainer }[] = () => [],
  ) {}

  /** The key and the chain a receiver with `fault` presents (as at start, topology.ts). */
  private async presented(fault: Parameters<typeof faultCertificate>[1]): Promise<KeyPair> {
    const pair = await faultCertificate(this.certs, fault);
    return { key: pair.key, cert: presentedChain(this.certs, pair) };
  }

  async apply(step: TimelineStep): Promise<void> {
    const n = this.nodes.get(step.node);
    const spec = this.plan.scenario.nodes[step.node];
    if (!n || !spec) throw new HarnessError(CODE.TOPOLOGY, `timeline: node ${step.node} is not running in this cell`);
    // what a step changed, a later cell does not inherit: the container is not reused
    n.c.dirty = true;
    if (n.kind === 'firewall' && spec.role === 'firewall') {
      const state = this.firewalls.get(step.node) ?? firewallState(this.plan.firewallSources[step.node] ?? {});
      const next = applyFirewallStep(state, step, step.node);
      if (next !== state) {
        const r = resolveDevice(next.device, next.config, undefined, next.faults);
        if (!r.ok) throw new FirewallConfigError(step.node, r.errors);
        await n.c.container.copyContentToContainer([{ content: JSON.stringify(r.profile), target: PROFILE_FILE }]);
        await signalNode(n.c, 'HUP', 'reloaded');
        this.firewalls.set(step.node, next);
      }
      if (step.state) await signalNode(n.c, step.state === 'stopped' ? 'USR1' : 'USR2', step.state === 'stopped' ? 'stopped' : 'listening');
      return;
    }
    if (step.state && spec.role === 'receiver') {
      for (const r of this.recordersOf(step.node)) await signalNode(r.c, step.state === 'stopped' ? 'USR1' : 'USR2', step.state === 'stopped' ? 'stopped' : 'listening');
    }
    if (n.kind === 'receiver' && spec.role === 'receiver') {
      if (step.tls !== undefined || step.size !== undefined || step['tls-fault'] !== undefined) {
        const files = [{ content: JSON.stringify({ tls: step.tls, size: step.size, 'tls-fault': step['tls-fault'] }), target: RECEIVER_SETTINGS_FILE }];
        if (step['tls-fault'] !== undefined) files.push(...certFiles(await this.presented(step['tls-fault'])));
        await n.c.container.copyContentToContainer(files);
        await signalNode(n.c, 'HUP', 'reloaded');
      }
      if (step.state) await signalNode(n.c, step.state === 'stopped' ? 'USR1' : 'USR2', step.state === 'stopped' ? 'stopped' : 'listening');
      return;
    }
    if (n.kind === 'mta-receiver' && n.adapter.name === 'postfix' && spec.role === 'receiver') {
      const settings: string[] = [];
      if (step.tls !== undefined) settings.push(`smtpd_tls_security_level=${{ off: 'none', preferred: 'may', required: 'encrypt' }[step.tls]}`);
      if (step.size !== undefined) settings.push(`message_size_limit=${step.size}`);
      if (step.state) settings.push(`master_service_disable=${step.state === 'stopped' ? 'inet' : ''}`);
      if (step['tls-fault'] !== undefined) await n.c.container.copyContentToContainer(certFiles(await this.presented(step['tls-fault'])));
      if (settings.length) await execOk(n.c, ['postconf', '-e', ...settings], `postconf on ${step.node}`);
      await execOk(n.c, ['postfix', 'reload'], `postfix reload on ${step.node}`);
      return;
    }
    throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `Failed to apply a timeline step to ${step.node}: a ${n.kind} container takes no changes`, 'a step changes firewalls and receivers; a sender only stops and starts');
  }
}

function certFiles(pair: { key: string; cert: string }): { content: string; target: string }[] {
  return [
    { content: pair.key, target: `${TLS_DIR}/key.pem` },
    { content: pair.cert, target: `${TLS_DIR}/cert.pem` },
  ];
}

/** Sends a control signal to the node program (PID 1) and waits for its acknowledgement line. */
export async function signalNode(c: NodeContainer, sig: 'HUP' | 'USR1' | 'USR2', ack: 'reloaded' | 'stopped' | 'listening'): Promise<void> {
  const from = c.logs.length;
  await execOk(c, ['sh', '-c', `kill -${sig} 1`], `SIG${sig} to ${c.node}`);
  let failure = '';
  const at = await c.logs.waitFor(
    (line) => {
      if (line.includes('"type":"control-error"')) failure = line;
      return failure !== '' || line.includes(`"type":"${ack}"`);
    },
    from,
    ACK_MS,
  );
  if (failure) throw new HarnessError(CODE.CONTAINER_EXEC, `node ${c.node} refused the change: ${(JSON.parse(failure) as { message?: string }).message ?? failure}`);
  if (at < 0) throw new HarnessError(CODE.CONTAINER_EXEC, `node ${c.node} did not acknowledge SIG${sig} within ${ACK_MS / 1000} s`);
}
