/**
 * The docker benches' cell: a real MTA sender `partner` (Postfix unless a matrix changes it) through
 * a firewall `fw` (ASA 9.12(4)) to an asyncos persona `esa`, with one message per id and `tail`
 * (matrix:, expect: …) as YAML after the messages.
 */
export function viaFirewall({ name, ids = ['m1'], tail }) {
  return `name: "${name}"
runtime: docker
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com, tls: preferred }
  fw: { role: firewall, device: asa 9.12(4), forwards-to: esa }
  partner: { role: sender, mta: postfix, tls: opportunistic, via: fw }
messages:
${ids.map((id) => `  - { id: ${id}, from: partner, to: esa }`).join('\n')}
${tail}`;
}
