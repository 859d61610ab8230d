import type { NodeSpec } from './schema.js';

/** Most runs one scenario's matrix may expand to. */
export const MAX_RUNS = 1024;

/**
 * Every forwarding loop among the firewalls of `nodes` (a → b → … → a), each once, starting at
 * its first node in declaration order. A chain that leaves the firewalls (a receiver, a missing
 * name) is no loop; references report missing names on their own.
 */
export function forwardingLoops(nodes: Record<string, NodeSpec>): string[][] {
  const loops: string[][] = [];
  const done = new Set<string>();
  for (const start of Object.keys(nodes)) {
    if (done.has(start) || nodes[start].role !== 'firewall') continue;
    const chain: string[] = [];
    const at = new Map<string, number>();
    let cur: string | undefined = start;
    while (cur !== undefined && !done.has(cur) && !at.has(cur)) {
      const n: NodeSpec | undefined = Object.hasOwn(nodes, cur) ? nodes[cur] : undefined;
      if (n?.role !== 'firewall') break;
      at.set(cur, chain.length);
      chain.push(cur);
      cur = n['forwards-to'];
    }
    if (cur !== undefined && at.has(cur)) {
      const loop = chain.slice(at.get(cur));
      // rotate so the loop starts at its first node in the file
      const order = Object.keys(nodes);
      const first = loop.reduce((best, n, i) => (order.indexOf(n) < order.indexOf(loop[best]) ? i : best), 0);
      loops.push([...loop.slice(first), ...loop.slice(0, first)]);
    }
    for (const n of chain) done.add(n);
  }
  return loops;
}

/** "fw1 → fw2 → fw1" */
export function loopText(loop: string[]): string {
  return [...loop, loop[0]].join(' → ');
}

/** The number of runs a matrix expands to (the product of its axes' lengths), saturating at Infinity. */
export function runCount(matrix: Record<string, unknown[]> | undefined): number {
  let n = 1;
  for (const values of Object.values(matrix ?? {})) n *= values.length;
  return n;
}
