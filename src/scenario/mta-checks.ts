import { MTA_CONFIG_FORM, type RealMta } from '../vocabulary.js';
import type { MessageSpecV1, NodeSpec, Scenario } from './schema.js';

type Diag = (path: PropertyKey[], message: string, hint?: string, key?: boolean) => void;

/**
 * What a real MTA node (Postfix, Exim, OpenSMTPD, generic) can and cannot be asked: its own
 * settings in the form that MTA takes, one source of its image, a `generic:` map exactly with
 * `mta: generic`, and no per-message option it cannot honour — a real MTA decides STARTTLS by its
 * node's TLS policy, never per message. Checked for the node as written and for every `mta` a
 * matrix gives it.
 */
export function checkMtaNodes(s: Scenario, diag: Diag): void {
  for (const [name, node] of Object.entries(s.nodes)) {
    if (node.role !== 'sender' && node.role !== 'receiver') continue;
    const at = (k: string) => ['nodes', name, k];
    const mtas = new Set<string>([node.mta, ...(s.matrix?.[`${name}.mta`] ?? []).map(String)]);
    const real = [...mtas].filter((m) => m !== 'builtin') as RealMta[];
    for (const k of ['config', 'image', 'build'] as const) {
      if (node[k] !== undefined && mtas.has('builtin')) diag(at(k), `expected ${k} only on a real MTA node, got it on ${name} with mta: builtin`, `set mta: postfix | exim | opensmtpd${node.role === 'sender' ? ' | generic' : ''} (the adapter the image speaks), or remove ${k}`, true);
    }
    if (node.image !== undefined && node.build !== undefined) diag(at('build'), 'expected image or build, got both', 'an image: is run as it is; a build: context is built first — keep one', true);
    if (node.config !== undefined) {
      const form = Array.isArray(node.config) ? 'lines' : 'map';
      for (const m of real) {
        const want = MTA_CONFIG_FORM[m];
        if (want !== form) diag(at('config'), `expected config as ${want === 'map' ? 'a map of settings (name: value)' : 'a list of smtpd.conf lines'} for mta: ${m}, got ${form === 'map' ? 'a map' : 'a list'}`, want === 'map' ? `${m} takes settings by name, e.g. config: { smtp_pix_workarounds: "" }` : 'OpenSMTPD takes smtpd.conf lines, e.g. config: ["smtp max-message-size 5M"]');
      }
    }
    if (node.role === 'sender') {
      if (mtas.has('generic') && node.generic === undefined) diag(['nodes', name, 'mta'], `expected a generic: map on ${name} (mta: generic), got none`, 'describe submit, ready, log, queue-id, delivered, deferred and bounced (containers/README.md)');
      if (node.generic !== undefined && !mtas.has('generic')) diag(at('generic'), `expected generic: only with mta: generic, got mta: ${node.mta}`, 'set mta: generic, or remove the generic: map', true);
      if (mtas.has('generic') && node.image === undefined && node.build === undefined) diag(['nodes', name, 'mta'], `expected image: or build: on ${name} (mta: generic), got neither`, 'mxlab ships no image for an MTA it has no adapter for: name your image, or a Dockerfile context');
    }
  }
  s.messages.forEach((m, i) => checkMessage(s, m, i, diag));
}

/** Real MTAs a node may be in some run (its own mta and the matrix's values). */
function realMtas(s: Scenario, name: string, node: NodeSpec): string[] {
  if (node.role !== 'sender') return [];
  return [...new Set([node.mta, ...(s.matrix?.[`${name}.mta`] ?? []).map(String)])].filter((m) => m !== 'builtin');
}

function checkMessage(s: Scenario, m: MessageSpecV1, i: number, diag: Diag): void {
  const node = s.nodes[m.from];
  if (!node || node.role !== 'sender') return;
  const real = realMtas(s, m.from, node);
  if (!real.length) return;
  const which = `${m.from} (mta: ${real.join(', ')})`;
  if (m.starttls === 'always') {
    diag(['messages', i, 'starttls'], `expected starttls: auto for a message from the real MTA ${which}, got "always"`, 'a real MTA sends STARTTLS only when the server offers it, by its TLS policy; send this message from a builtin sender (mta: builtin) to send STARTTLS regardless');
  } else if (m.starttls === 'never' && node.tls !== 'none') {
    diag(['messages', i, 'starttls'], `expected starttls: auto for a message from the real MTA ${which}, got "never"`, `a real MTA takes its TLS policy per node, not per message: set tls: none on ${m.from}`);
  }
}
