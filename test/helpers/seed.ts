/**
 * The head of a scenario with the seed's topology (an ESA persona behind pix 7.2(2), a partner sender
 * outside, and with `lan` a sender inside), as YAML up to and including `messages:`; the caller adds the
 * message lines and what follows.
 */
export function seedHead(name: string, o: { lan?: boolean } = {}): string {
  return `name: ${name}
nodes:
  esa: { role: receiver, persona: asyncos, hostname: esa.example.com }
  fw: { role: firewall, device: pix 7.2(2), forwards-to: esa }
  partner: { role: sender, via: fw }
${o.lan ? '  lan: { role: sender }\n' : ''}messages:
`;
}
