import type { SenderOptions } from '../../actors/sender/index.js';
import type { ImageName } from '../../images/catalog.js';
import { nodeHostname } from '../../model/plan.js';
import type { DeviceProfile } from '../../model/device-profile.js';
import type { NodeSpec, Scenario } from '../../scenario/schema.js';
import { HarnessError } from '../types.js';
import type { NodeContainerSpec } from './containers.js';
import { mtaAdapters } from './mta/index.js';
import { postfixReceiverEnv } from './postfix-receiver.js';
import type { CellNodeKind } from './cell-node.js';

export const TLS_DIR = '/etc/mxlab/tls';
import { PROFILE_FILE, RECEIVER_SETTINGS_FILE } from './apply-step.js';
import { CODE } from '../../errors.js';
const NODE = ['/usr/local/bin/node', '/opt/mxlab/bin/mxlab.js'];
const READY_JSON = /"type":"ready"/;

export interface SpecContext {
  scenario: Scenario;
  /** each firewall node's resolved device (the cell's plan) */
  firewalls: Record<string, DeviceProfile>;
  /** container name of a node (its DNS name) */
  containerName(node: string): string;
  /** network a node sits on first, and the networks attached after start */
  networksOf(node: string): { first: string; extra: string[] };
  labels: Record<string, string>;
  images: Record<ImageName, string>;
  certs: { key: string; cert: string; ca: string };
  /** the key and certificate each receiver presents (a `tls-fault` certificate, else the run's) */
  receiverCerts?: Record<string, { key: string; cert: string }>;
  dkim: unknown;
  epochOrigin: number;
}

/** Which kind of container a scenario node becomes. */
export function kindOf(node: NodeSpec): CellNodeKind {
  switch (node.role) {
    case 'firewall':
      return 'firewall';
    case 'receiver':
      return node.mta === 'postfix' ? 'postfix-receiver' : 'receiver';
    case 'sender':
      return node.mta === 'builtin' ? 'builtin-sender' : 'mta-sender';
    default:
      throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `node role ${(node as { role: string }).role} is not supported by the docker runtime yet`, 'use --runtime local');
  }
}

export function imageOf(node: NodeSpec): ImageName {
  if (node.role === 'sender' && node.mta !== 'builtin') return mtaAdapters[node.mta].image;
  if (node.role === 'receiver' && node.mta === 'postfix') return 'postfix';
  return 'node';
}

/** The container for one scenario node: image, command or environment, files, readiness. */
export function containerSpec(name: string, ctx: SpecContext): NodeContainerSpec {
  const node = ctx.scenario.nodes[name];
  const nets = ctx.networksOf(name);
  const own = ctx.receiverCerts?.[name] ?? ctx.certs;
  const tls = [
    { content: own.key, target: `${TLS_DIR}/key.pem` },
    { content: own.cert, target: `${TLS_DIR}/cert.pem` },
    { content: ctx.certs.ca, target: `${TLS_DIR}/ca.pem` },
  ];
  const base = { node: name, name: ctx.containerName(name), image: ctx.images[imageOf(node)], network: nets.first, extraNetworks: nets.extra, labels: ctx.labels };
  const origin = ['--json', '--epoch-origin', String(ctx.epochOrigin)];
  switch (node.role) {
    case 'firewall': {
      // the device resolved for this cell, as data: the container does not parse the device or config again
      const files = [{ content: JSON.stringify(ctx.firewalls[name]), target: PROFILE_FILE }];
      const cmd = ['proxy', '--profile', PROFILE_FILE, '--listen', '0.0.0.0:25', '--upstream', `${ctx.containerName(node['forwards-to'])}:25`, ...origin];
      return { ...base, command: cmd, files, ready: READY_JSON };
    }
    case 'receiver': {
      const hostname = nodeHostname(ctx.scenario, name);
      if (node.mta === 'postfix') return { ...base, env: postfixReceiverEnv(node, hostname), files: tls, ready: /daemon started/ };
      const fault = node['tls-fault'] === 'handshake-abort' || node['tls-fault'] === 'tls1.0-only' ? ['--tls-fault', node['tls-fault']] : [];
      const cmd = ['receiver', '--persona', node.persona, '--tls', node.tls, ...fault, '--settings', RECEIVER_SETTINGS_FILE, ...(node.size ? ['--size', String(node.size)] : []), '--hostname', hostname, '--cert-file', `${TLS_DIR}/cert.pem`, '--key-file', `${TLS_DIR}/key.pem`, '--listen', '0.0.0.0:25', ...origin];
      return { ...base, command: cmd, files: [...tls, { content: '{}', target: RECEIVER_SETTINGS_FILE }], ready: READY_JSON };
    }
    case 'sender': {
      if (node.mta === 'builtin') {
        const files = [...tls, { content: JSON.stringify(ctx.dkim), target: '/etc/mxlab/dkim.json' }];
        return { ...base, entrypoint: ['/bin/sh', '-c', 'echo mxlab-sender-ready; exec sleep infinity'], files, ready: /mxlab-sender-ready/ };
      }
      const adapter = mtaAdapters[node.mta];
      const next = node.via ?? undefined;
      const env = adapter.env({
        hostname: node.hostname ?? nodeHostname(ctx.scenario, name),
        relay: `${ctx.containerName(next ?? receiverFor(ctx.scenario, name))}:25`,
        tls: node.tls,
        tlsMatch: nodeHostname(ctx.scenario, receiverFor(ctx.scenario, name)),
        timeoutS: Math.max(1, Math.ceil(node.timeout / 1000)),
      });
      return { ...base, env, files: tls, ready: adapter.ready };
    }
    default:
      throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `node ${name}: role ${(node as { role: string }).role} is not supported by the docker runtime yet`, 'use --runtime local');
  }
}

/**
 * A real MTA relays everything to one host. Without `via` that is the receiver its messages go
 * to (one per sender; more would need transport maps).
 */
function receiverFor(s: Scenario, sender: string): string {
  const tos = [...new Set(s.messages.filter((m) => m.from === sender).map((m) => m.to))];
  if (tos.length > 1) throw new HarnessError(CODE.TOPOLOGY, `sender ${sender} (a real MTA) sends to ${tos.join(' and ')} without via: it can relay to one host only`, 'give it a via firewall, or use one sender per receiver');
  if (!tos[0]) {
    const r = Object.entries(s.nodes).find(([, n]) => n.role === 'receiver');
    if (!r) throw new HarnessError(CODE.TOPOLOGY, `sender ${sender} has no receiver to relay to`);
    return r[0];
  }
  return tos[0];
}

/** argv of `mxlab deliver` inside a builtin sender's container. */
export function deliverArgv(o: {
  sender: Omit<SenderOptions, 'clock'>;
  /** a JSON list of MessageSpec in the container */
  messageFile: string;
  target: string;
  node: string;
  servername: string;
  epochOrigin: number;
}): string[] {
  return [
    ...NODE, 'deliver',
    '--sender-json', JSON.stringify(o.sender),
    '--message-file', o.messageFile,
    '--target', o.target, '--node', o.node, '--servername', o.servername,
    '--ca-file', `${TLS_DIR}/ca.pem`, '--dkim-key-file', '/etc/mxlab/dkim.json',
    '--epoch-origin', String(o.epochOrigin),
  ];
}
