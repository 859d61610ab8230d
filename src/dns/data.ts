/**
 * What the lab resolver serves, as data (JSON: the docker runtime writes it into the resolver's
 * container). Made from the scenario's `dns:` by `labDnsData` (plan.ts); read by `answer()`.
 * Names are lower-case, without the trailing dot.
 */

/** DNSSEC status of a zone as a validating resolver reports it (RFC 4035 §4.3). */
export type Security = 'secure' | 'insecure' | 'bogus';

export type LabRecord =
  | { type: 'A'; data: string }
  | { type: 'MX'; data: { preference: number; exchange: string } }
  | { type: 'TXT'; data: string[] }
  | { type: 'TLSA'; data: { usage: number; selector: number; matchingType: number; certificate: string } };

export type LabRecordType = LabRecord['type'];

export interface LabDnsData {
  /**
   * Every zone the resolver answers for, apex → DNSSEC status. A name belongs to the zone of its
   * longest apex; a name under no apex does not exist (NXDOMAIN). Hosts published outside the
   * scenario's `dns:` zones get a zone of their own (apex = the host name); `''` is the root.
   */
  zones: Record<string, Security>;
  /** per view (what one side of the network sees): owner name → its records */
  views: Record<string, Record<string, LabRecord[]>>;
}

/** Lower-case, without the trailing dot. */
export function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The apex of the zone that holds `name`, or undefined when no zone does. */
export function zoneOf(data: LabDnsData, name: string): string | undefined {
  let n = canonical(name);
  for (;;) {
    if (Object.hasOwn(data.zones, n)) return n;
    if (n === '') return undefined;
    const dot = n.indexOf('.');
    n = dot < 0 ? '' : n.slice(dot + 1);
  }
}

/** `name` owns records in `view`, or is an empty non-terminal above a name that does (RFC 8020: NODATA, not NXDOMAIN). */
export function nameExists(names: Record<string, LabRecord[]>, name: string, apex: string): boolean {
  if (name === apex || Object.hasOwn(names, name)) return true;
  const suffix = `.${name}`;
  return Object.keys(names).some((n) => n.endsWith(suffix));
}

/** What `mxlab dns --data` reads: the data, who asks from which address, the MTA-STS policy files. */
export interface DnsServeFile {
  data: LabDnsData;
  /** source address → the node that asks from it and the view it sees; anyone else is REFUSED */
  clients: Record<string, { node: string; view: string }>;
  /** MTA-STS policy files by domain, served on --policy-listen */
  policies?: Record<string, string>;
}
