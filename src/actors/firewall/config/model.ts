import type { MatchAction } from '../engine/match-action.js';
import type { Faults } from '../devices/faults.js';
import type { Knobs } from '../devices/knobs.js';

/** An error in the `config:` text (or, with `line: 0`, in the `device:` string; `col` then indexes it). */
export interface ConfigError {
  /** 1-based line within the config text; 0 = the device string */
  line: number;
  /** 1-based column */
  col: number;
  message: string;
  hint?: string;
}

export type Criterion =
  | { kind: 'cmd-line-length'; gt: number }
  | { kind: 'cmd-rcpt-count'; gt: number }
  | { kind: 'cmd-verb'; verbs: string[] }
  | { kind: 'body-line-length'; gt: number }
  | { kind: 'body-length'; gt: number }
  | { kind: 'header-line-length'; gt: number }
  | { kind: 'header-length'; gt: number }
  | { kind: 'header-to-fields-count'; gt: number }
  | { kind: 'invalid-recipients-count'; gt: number }
  | ({ kind: 'mime-filetype-regex' } & RegexOperand)
  | { kind: 'mime-filename-length'; gt: number }
  | { kind: 'mime-encoding'; encodings: string[] }
  | ({ kind: 'sender-address-regex' } & RegexOperand)
  | { kind: 'sender-address-length'; gt: number }
  | { kind: 'ehlo-reply-parameter'; params: string[] };

/** The regex of a `match … regex` criterion. */
export interface RegexOperand {
  /** the name, `class NAME` or quoted inline pattern as written */
  regex: string;
  /** `class NAME`: the `class-map type regex` it names */
  class?: string;
  /** the regular expressions it stands for (a class's, once the config is read) */
  patterns?: string[];
  /** a `match-all` class: every pattern must match */
  all?: boolean;
}

/** `class-map type regex match-any|match-all NAME` and its `match regex NAME` lines. */
export interface RegexClass {
  name: string;
  all: boolean;
  /** regex names, in order */
  regexes: string[];
  line: number;
}

export interface MatchLine {
  criterion: Criterion;
  not: boolean;
  actions: MatchAction[];
  /** config line of the `match`, 0 for built-in defaults */
  line: number;
  /** the criterion as written, for logs */
  text: string;
}

/** One `policy-map type inspect esmtp NAME`. */
export interface EsmtpMap {
  name: string;
  /** config line of `policy-map type inspect esmtp NAME` (0: the built-in default map) */
  line: number;
  /** every config line of the map (header, parameters, match and action lines), for `mxlab explain` */
  source: number[];
  maskBanner: boolean;
  allowTls: { on: boolean; log: boolean };
  specialCharacter?: MatchAction;
  /** `mail-relay DOMAIN action …`: recipients outside DOMAIN are relay attempts */
  mailRelay?: { domain: string; action: MatchAction };
  matches: MatchLine[];
}

/** An L3/L4 `class-map NAME` and what its `match` lines select. */
export interface ClassMap {
  name: string;
  /** `default-inspection-traffic`, `any`, a port range, an access list; other criteria are kept as written */
  matches: ({ kind: 'default' | 'any' } | { kind: 'port'; from: number; to: number } | { kind: 'acl'; name: string } | { kind: 'other'; text: string })[];
  line: number;
}

/** One `class NAME` of an L3/L4 policy map, with its `[no] inspect esmtp [MAP]`. */
export interface PolicyClass {
  name: string;
  line: number;
  /** this class carries an inspection (any protocol): it takes the flows it matches for inspection */
  inspects: boolean;
  esmtp?: { on: boolean; map?: string; line: number };
}

/** An L3/L4 `policy-map NAME`. */
export interface PolicyMap {
  name: string;
  line: number;
  classes: PolicyClass[];
}

/** `service-policy NAME global | interface IF`. */
export interface ServicePolicy {
  map: string;
  /** `global`, or the interface name */
  scope: string;
  line: number;
}

/** An interface as the config names it (ASA `interface X` + `nameif`, PIX 6 `nameif hw name securityN`). */
export interface Interface {
  hardware: string;
  nameif?: string;
  security?: number;
  address?: string;
  line: number;
}

/** A static translation that publishes an inside address on the outside (`static`, object `nat … static`, twice NAT). */
export interface StaticNat {
  realIf: string;
  mappedIf: string;
  real: string;
  mapped: string;
  /** the port, when the translation is for one (`tcp … smtp`) */
  port?: number;
  /** the translation is for a network, not one host (`netmask` shorter than /32, a `subnet`/`range` object) */
  network?: boolean;
  /** twice NAT with a `destination` clause: it applies only towards that destination (a VPN exemption) */
  towards?: boolean;
  line: number;
  text: string;
}

/** A config line that took effect, and what it did. */
export interface AppliedLine {
  line: number;
  text: string;
  effect: string;
}

/** What became of the config's lines: applied, or recognised and ignored (by kind), comments. */
export interface ConfigReport {
  /** non-empty lines */
  lines: number;
  applied: AppliedLine[];
  /** ignored lines per kind, e.g. `{ 'access lists': 12, management: 30 }` */
  ignored: Record<string, number>;
  comments: number;
  /** the `ASA Version …` / `PIX Version …` line */
  version?: { product: 'asa' | 'pix'; version: string; line: number; col: number };
}

/** A problem that does not stop the run (an unused policy map, an unknown command outside the SMTP modes). */
export type ConfigWarning = ConfigError;

export interface CiscoConfig {
  /** a whole configuration (it has its version line): what it does not define is not there */
  whole: boolean;
  /** SMTP Mailguard / inspection in force, as computed from the config at the end (line 0: the default) */
  fixupSmtp: { on: boolean; port: number; line: number };
  /** `[no] fixup protocol smtp PORT` lines (PIX ≤ 6.3): the ports inspected */
  fixupPorts: Set<number>;
  /** ESMTP inspection in force for the flow from the outside to the receiver, computed at the end */
  inspectEsmtp: { on: boolean; map?: string; line: number };
  /** why SMTP is (not) inspected, in a sentence (`service-policy global → policy-map …`) */
  inspectWhy?: string;
  maps: Map<string, EsmtpMap>;
  /** `regex NAME PATTERN` definitions (global mode) */
  regexes: Map<string, string>;
  /** the config line of each `regex` definition */
  regexLines: Map<string, number>;
  /** `class-map type regex …` definitions (global mode) */
  regexClasses: Map<string, RegexClass>;
  classMaps: Map<string, ClassMap>;
  policyMaps: Map<string, PolicyMap>;
  servicePolicies: ServicePolicy[];
  /** `access-list NAME …` lines, for `match access-list` (kept as words) */
  accessLists: Map<string, string[][]>;
  interfaces: Interface[];
  /** `name ADDRESS NAME` */
  names: Map<string, string>;
  statics: StaticNat[];
  /** `timeout conn H:MM:SS`: idle timeout of a connection through the firewall (ms; 0 = none) */
  timeoutConn?: { ms: number; line: number };
  /** `sysopt connection tcpmss N` */
  tcpMss?: { bytes: number; line: number };
  /** the interfaces on the path and the receiver's labels, worked out at the end (interfaces.ts sidesOf) */
  sides?: { outside: string; inside: string; receiver?: { address: string; mapped: string; port: number; line: number } };
  knobs: Partial<Knobs>;
  /** `! mxlab fault NAME VALUE`: L4 faults after the device's rules */
  faults: Faults;
  report: ConfigReport;
}

/** The map every 7.2(3)+/8.x/9.x device ships with. [ASA9FW] CONFIRMED. */
export function defaultEsmtpMap(): EsmtpMap {
  const m = (criterion: Criterion, text: string, kind: MatchAction['kind'], log: boolean): MatchLine => ({
    criterion,
    not: false,
    actions: [{ kind, log }],
    line: 0,
    text,
  });
  return {
    name: '_default_esmtp_map',
    line: 0,
    source: [],
    maskBanner: true,
    allowTls: { on: false, log: false },
    matches: [
      m({ kind: 'cmd-line-length', gt: 512 }, 'cmd line length gt 512', 'drop-connection', true),
      m({ kind: 'cmd-rcpt-count', gt: 100 }, 'cmd RCPT count gt 100', 'drop-connection', true),
      m({ kind: 'body-line-length', gt: 998 }, 'body line length gt 998', 'log', false),
      m({ kind: 'header-line-length', gt: 998 }, 'header line length gt 998', 'drop-connection', true),
      m({ kind: 'sender-address-length', gt: 320 }, 'sender-address length gt 320', 'drop-connection', true),
      m({ kind: 'mime-filename-length', gt: 255 }, 'MIME filename length gt 255', 'drop-connection', true),
      m({ kind: 'ehlo-reply-parameter', params: ['others'] }, 'ehlo-reply-parameter others', 'mask', false),
    ],
  };
}

/** A fresh user-defined map: no parameters, no match lines (INFERRED). */
/** A config with nothing in it: what a device without `config:` reads. */
export function emptyCiscoConfig(): CiscoConfig {
  return {
    whole: false,
    fixupSmtp: { on: true, port: 25, line: 0 },
    fixupPorts: new Set([25]),
    inspectEsmtp: { on: true, line: 0 },
    classMaps: new Map(),
    policyMaps: new Map(),
    servicePolicies: [],
    accessLists: new Map(),
    interfaces: [],
    names: new Map(),
    statics: [],
    report: { lines: 0, applied: [], ignored: {}, comments: 0 },
    maps: new Map(),
    regexes: new Map(),
    regexLines: new Map(),
    regexClasses: new Map(),
    knobs: {},
    faults: {},
  };
}

export function emptyEsmtpMap(name: string): EsmtpMap {
  return { name, line: 0, source: [], maskBanner: false, allowTls: { on: false, log: false }, matches: [] };
}
