/**
 * Commands of a PIX/ASA configuration that do not change SMTP on the wire between the outside and
 * the receiver: recognised and ignored (counted by kind in `mxlab validate` and `mxlab explain`).
 * The lines indented under one of them (its sub-mode, e.g. a `crypto ca trustpoint` or a
 * `group-policy … attributes`) are ignored with it. Keywords from the PIX 6.3 and ASA 7.0–9.x
 * command references; the `no` form of each is ignored too.
 */
export type IgnoredKind =
  | 'management'
  | 'logging'
  | 'names'
  | 'interfaces'
  | 'access lists'
  | 'NAT'
  | 'objects'
  | 'routing'
  | 'VPN'
  | 'other inspections'
  | 'timeouts'
  | 'security features'
  | 'failover and contexts'
  | 'services'
  | 'sysopt'
  | 'show output';

const KINDS: Record<IgnoredKind, string> = {
  management:
    'hostname domain-name enable passwd password-policy username privilege aaa aaa-server http ssh telnet console asdm pdm snmp-server snmp-map ' +
    'banner prompt terminal pager clock command-alias boot ftp call-home license smart service-module hpm auth-prompt ' +
    'management-access user-identity ldap kerberos-server virtual jumbo-frame fips crashinfo coredump key keychain password ' +
    'auto-update checkheaps hw-module asp event age quota',
  logging: 'logging flow-export syslog',
  names: 'names name',
  interfaces: 'mtu mac-address mac-address-table mac-learn arp arp-inspection ipv6 icmp ip lacp',
  'access lists': 'access-list access-group conduit outbound apply established time-range',
  NAT: 'nat global nat-control xlate alias',
  objects: 'object object-group regex-group object-group-search',
  routing: 'route router route-map prefix-list rip eigrp pim mroute multicast-routing igmp sla track ospf bgp policy-list',
  VPN:
    'crypto isakmp vpngroup group-policy tunnel-group tunnel-group-map webvpn vpn vpn-addr-assign vpn-sessiondb vpnclient vpdn l2tp ' +
    'ssl tls-proxy ca dynamic-access-policy-record dynamic-access-policy-config group-delimiter client-update anyconnect ' +
    'remote-access ctl-file ctl-provider phone-proxy media-termination uc-ime imap4s pop3s smtps ipsec eou nac-policy cts quit ' +
    'ipv6-vpn-addr-assign compression vpnsetup',
  'other inspections': 'ftp-map http-map gtp-map h323-map mgcp-map mgcp tcp-map dns-guard',
  timeouts: 'timeout',
  'security features': 'threat-detection ip-audit floodguard fragment filter url-block url-cache url-server dynamic-filter scansafe same-security-traffic service wccp zone shun flow-offload',
  'failover and contexts': 'failover monitor-interface context admin-context mode firewall resource cluster',
  services: 'dhcpd dhcprelay dhcp-client ntp dns ddns tftp-server smtp-server sunrpc-server',
  sysopt: 'sysopt',
  'show output': '',
};

/** keyword (lower case) → kind */
export const IGNORED: ReadonlyMap<string, IgnoredKind> = new Map(
  (Object.entries(KINDS) as [IgnoredKind, string][]).flatMap(([kind, words]) => words.split(/\s+/).filter(Boolean).map((w) => [w, kind] as const)),
);

/** Lines the device's show/write commands print around the configuration. */
export function isShowOutput(line: string): boolean {
  const t = line.trim();
  return /^Cryptochecksum:/i.test(t) || /^Building\s+configuration/i.test(t) || t === '[OK]' || /^Current\s+configuration\s*:/i.test(t);
}
