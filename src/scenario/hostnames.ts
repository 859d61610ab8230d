import type { Scenario } from './schema.js';

/** A node's DNS/EHLO name: its `hostname:`, else `<node>.example.com` for receivers and `<node>.example` otherwise. */
export function nodeHostname(s: Scenario, name: string): string {
  const n = s.nodes[name];
  if (n?.role === 'receiver') return n.hostname ?? `${name}.example.com`;
  if (n?.role === 'sender') return n.hostname ?? `${name}.example`;
  return `${name}.example`;
}
