import type { SenderOptions } from '../../actors/sender/index.js';
import type { ImageName } from '../../images/catalog.js';
import { nodeHostname } from '../../model/plan.js';
import type { DeviceProfile } from '../../model/device-profile.js';
import type { NodeSpec, ReceiverNode, Scenario, SenderNode } from '../../scenario/schema.js';
import { HarnessError } from '../types.js';
import type { NodeContainerSpec } from './containers.js';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../images/paths.js';
import { adapterOf, type MtaSettings } from './mta/index.js';
import { queuePolicy } from '../../scenario/queue-policy.js';
import { CONTRACT_PATHS, contractEnv } from './mta/contract.js';
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
  /** the image tag a node runs */
  imageOf(node: string): string;
  certs: { key: string; cert: string; ca: string };
  /** the key and certificate each receiver presents (a `tls-fault` certificate, else the run's) */
  receiverCerts?: Record<string, { key: string; cert: string }>;
  dkim: unknown;
  epochOrigin: number;
  /** with the lab DNS: the resolver's address on the network a node is on */
  resolverOf?(node: string): string;
  /** record the wire for pcaps (a reporter asked): firewalls keep both connections' bytes, persona receivers their TLS keys */
  capture?: boolean;
}

/** Which kind of container a scenario node becomes. */
export function kindOf(node: NodeSpec): CellNodeKind {
  switch (node.role) {
    case 'firewall':
      return 'firewall';
    case 'receiver':
      return node.mta === 'builtin' ? 'receiver' : 'mta-receiver';
    case 'sender':
      return node.mta === 'builtin' ? 'builtin-sender' : 'mta-sender';
    default:
      throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `node role ${(node as { role: string }).role} is not supported by the docker runtime yet`, 'use --runtime local');
  }
}

/** What a node runs: one of mxlab's images, a local image the scenario names, or a context it builds. */
export type ImageNeed = { kind: 'mxlab'; name: ImageName } | { kind: 'ref'; ref: string } | { kind: 'build'; dir: string };

export function imageNeed(node: NodeSpec, scenarioFile: string): ImageNeed {
  if ((node.role === 'sender' || node.role === 'receiver') && node.mta !== 'builtin') {
    if (node.image) return { kind: 'ref', ref: node.image };
    if (node.build) return { kind: 'build', dir: resolve(dirname(scenarioFile), node.build) };
    const image = adapterOf(node).image;
    if (!image) throw new HarnessError(CODE.TOPOLOGY, `mta: ${node.mta} needs image: or build:`);
    return { kind: 'mxlab', name: image };
  }
  return { kind: 'mxlab', name: 'node' };
}

/** The key of an image need in the runtime's table of resolved tags. */
export function imageKey(n: ImageNeed): string {
  return n.kind === 'mxlab' ? n.name : n.kind === 'ref' ? `ref:${n.ref}` : `build:${n.dir}`;
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
  const base = { node: name, name: ctx.containerName(name), image: ctx.imageOf(name), network: nets.first, extraNetworks: nets.extra, labels: ctx.labels };
  const origin = ['--json', '--epoch-origin', String(ctx.epochOrigin)];
  switch (node.role) {
    case 'firewall': {
      // the device resolved for this cell, as data: the container does not parse the device or config again
      const files = [{ content: JSON.stringify(ctx.firewalls[name]), target: PROFILE_FILE }];
      const cmd = ['proxy', '--profile', PROFILE_FILE, '--listen', '0.0.0.0:25', '--upstream', `${ctx.containerName(node['forwards-to'])}:25`, ...origin, ...(ctx.capture ? ['--capture'] : [])];
      return { ...base, command: cmd, files, ready: READY_JSON, origin: ctx.epochOrigin, reload: { how: 'signal' } };
    }
    case 'receiver': {
      const hostname = nodeHostname(ctx.scenario, name);
      if (node.mta !== 'builtin') {
        const maxSize = node.size ?? fitSize(ctx.scenario.messages.filter((m) => m.to === name));
        return mtaSpec(base, node, { role: 'receiver', hostname, tls: node.tls, maxSize }, tls);
      }
      const fault = node['tls-fault'] === 'handshake-abort' || node['tls-fault'] === 'tls1.0-only' ? ['--tls-fault', node['tls-fault']] : [];
      const cmd = ['receiver', '--persona', node.persona, '--tls', node.tls, ...fault, '--settings', RECEIVER_SETTINGS_FILE, ...(node.size ? ['--size', String(node.size)] : []), '--hostname', hostname, '--cert-file', `${TLS_DIR}/cert.pem`, '--key-file', `${TLS_DIR}/key.pem`, '--listen', '0.0.0.0:25', ...origin, ...(ctx.capture ? ['--keylog'] : [])];
      return { ...base, command: cmd, files: [...tls, { content: '{}', target: RECEIVER_SETTINGS_FILE }], ready: READY_JSON, origin: ctx.epochOrigin, reload: { how: 'signal' } };
    }
    case 'sender': {
      if (node.mta === 'builtin') {
        const files = [...tls, { content: JSON.stringify(ctx.dkim), target: '/etc/mxlab/dkim.json' }];
        return { ...base, entrypoint: ['/bin/sh', '-c', 'echo mxlab-sender-ready; exec sleep infinity'], files, ready: /mxlab-sender-ready/, reload: { how: 'files' } };
      }
      const resolver = ctx.resolverOf?.(name);
      // with the lab DNS the MTA routes by MX through the lab resolver; without, it relays to one host:
      // the relay is named by the receiver's host name (which `verify` checks), which the runtime makes resolve to the next hop
      const tlsName = resolver ? undefined : nodeHostname(ctx.scenario, receiverFor(ctx.scenario, name));
      return mtaSpec(base, node, {
        role: 'sender',
        hostname: node.hostname ?? nodeHostname(ctx.scenario, name),
        tls: node.tls,
        ...(resolver ? { resolver } : { relay: `${tlsName}:25`, tlsName }),
        maxSize: fitSize(ctx.scenario.messages.filter((m) => m.from === name)),
        timeoutS: Math.max(1, Math.ceil(node.timeout / 1000)),
        // retry: the scenario clock runs the MTA's queue; its own timers must not
        ...(queuePolicy(node) && adapterOf(node).sender?.queue ? { extra: adapterOf(node).sender!.queue!.extra } : {}),
      }, tls);
    }
    default:
      throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `node ${name}: role ${(node as { role: string }).role} is not supported by the docker runtime yet`, 'use --runtime local');
  }
}

/** Postfix's default message_size_limit: no real MTA here is set below it. */
const DEFAULT_MAX_SIZE = 10_240_000;

/** A size limit the scenario's messages fit in (bodies plus room for headers), never below DEFAULT_MAX_SIZE. */
export function fitSize(messages: { size?: number }[]): number {
  const largest = Math.max(0, ...messages.map((m) => m.size ?? 0));
  return Math.max(DEFAULT_MAX_SIZE, Math.ceil(largest * 1.05) + 256 * 1024);
}

/** A real MTA's container: the environment contract, its config: file, the adapter's scripts copied in. */
function mtaSpec(base: Omit<NodeContainerSpec, 'ready'>, node: SenderNode | ReceiverNode, settings: MtaSettings, tls: NodeContainerSpec['files'] & object): NodeContainerSpec {
  const adapter = adapterOf(node);
  const config = node.config ? adapter.configLines(node.config) : [];
  const files = [
    ...tls,
    ...(config.length ? [{ content: `${config.join('\n')}\n`, target: CONTRACT_PATHS.config }] : []),
    ...(adapter.entrypoint ? [{ content: containerScript(`${adapter.entrypoint}/entrypoint.sh`), target: CONTRACT_PATHS.entrypoint, mode: 0o755 }] : []),
    { content: containerScript('shared/mxlab-store'), target: CONTRACT_PATHS.store, mode: 0o755 },
  ];
  const log = node.role === 'sender' && node.generic && node.generic.log !== 'stdout' ? node.generic.log : undefined;
  return {
    ...base,
    env: contractEnv(settings, config.length > 0),
    files,
    ...(adapter.entrypoint ? { entrypoint: ['/bin/sh', CONTRACT_PATHS.entrypoint] } : {}),
    ready: adapter.ready,
    ...(log ? { logFile: log } : {}),
    // a loaded machine (several cells at once) has taken over a minute to start Exim
    startupMs: 120_000,
    // mxlab's entrypoint reconfigures the running MTA for a later cell; a generic image's own cannot be told
    reload: adapter.entrypoint && adapter.reloaded
      ? { how: 'mta' as const, entrypoint: CONTRACT_PATHS.entrypoint, reloaded: adapter.reloaded, ...(settings.role === 'receiver' ? { maildir: CONTRACT_PATHS.maildir } : {}) }
      : { how: 'never' as const },
  };
}

const scripts = new Map<string, string>();
/** A file of containers/ (an adapter's entrypoint, mxlab-store), read once. */
function containerScript(rel: string): string {
  let s = scripts.get(rel);
  if (s === undefined) scripts.set(rel, (s = readFileSync(join(packageRoot(), 'containers', rel), 'utf8')));
  return s;
}

/**
 * A real MTA relays everything to one host. Without `via` that is the receiver its messages go
 * to (one per sender; more would need transport maps).
 */
export function receiverFor(s: Scenario, sender: string): string {
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
  target?: string;
  node?: string;
  servername?: string;
  /** with the lab DNS: the resolver (IP:53) and the node at each address of the cell */
  dns?: { resolver: string; nodes: Record<string, string> };
  epochOrigin: number;
}): string[] {
  return [
    ...NODE, 'deliver',
    '--sender-json', JSON.stringify(o.sender),
    '--message-file', o.messageFile,
    ...(o.target ? ['--target', o.target] : []), ...(o.node ? ['--node', o.node] : []), ...(o.servername ? ['--servername', o.servername] : []),
    ...(o.dns ? ['--resolver', o.dns.resolver, '--address-map', JSON.stringify(o.dns.nodes)] : []),
    '--ca-file', `${TLS_DIR}/ca.pem`, '--dkim-key-file', '/etc/mxlab/dkim.json',
    '--epoch-origin', String(o.epochOrigin),
  ];
}
