import { openEsmtpMap } from './esmtp-map.js';
import type { CiscoConfig, ClassMap, PolicyClass, PolicyMap } from './model.js';
import { regexClassCommand, regexClassLine } from './regex-class.js';
import { extra, Fail, INVALID, kw, type Frame, type Handled, type Line, type ParseState } from './state.js';

/**
 * The Modular Policy Framework (7.0+): `class-map`, `policy-map`, `service-policy`, and which of them
 * puts ESMTP inspection on the flow from the outside interface to the receiver on tcp/25.
 */

/** Well-known port names the ASA prints instead of numbers (those that can cover 25). */
const PORTS: Record<string, number> = { smtp: 25, telnet: 23, ftp: 21, www: 80, http: 80, https: 443, domain: 53, pop3: 110, imap4: 143 };

function portOf(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const n = /^\d{1,5}$/.test(word) ? Number(word) : PORTS[word.toLowerCase()];
  return n !== undefined && n <= 65535 ? n : undefined;
}

/** `policy-map …` (global): an ESMTP inspect map, another protocol's inspect map (ignored), or an L3/L4 policy map. */
export function policyMapCommand(st: ParseState, l: Line): Handled {
  const { dialect, config } = st;
  if (!dialect.mpf) return new Fail(l.w[0].col, INVALID, `${dialect.label} has no Modular Policy Framework (it came with 7.0); use \`fixup protocol smtp 25\` / \`no fixup protocol smtp 25\``);
  if (kw(l, 1) === 'type') {
    if (kw(l, 2) !== 'inspect') return new Fail(l.w[2]?.col ?? l.endCol, INVALID, 'expected `policy-map type inspect PROTOCOL NAME`');
    if (!dialect.inspectMaps) return new Fail(l.w[1].col, INVALID, `inspect policy maps came with 7.2(1); ${dialect.label} does not have them`);
    if (!l.w[3]) return new Fail(l.endCol, INVALID, 'expected `policy-map type inspect esmtp NAME`');
    if (kw(l, 3) === 'esmtp') return openEsmtpMap(st, l);
    // another protocol's inspect map (dns, http, …): recognised, not emulated
    const name = l.w[4]?.text;
    if (name && !l.neg) st.defined.inspectMaps.set(name, l.line);
    return { mode: 'block', indent: l.indent, kind: 'other inspections' };
  }
  const name = l.w[1];
  if (!name) return new Fail(l.endCol, INVALID, 'name the policy map, e.g. `policy-map global_policy`');
  const more = extra(l, 2);
  if (more) return more;
  if (l.neg) {
    config.policyMaps.delete(name.text);
    return true;
  }
  let pmap = config.policyMaps.get(name.text);
  if (!pmap) config.policyMaps.set(name.text, (pmap = { name: name.text, line: l.line, classes: [] }));
  return { mode: 'pmap', indent: l.indent, owner: `pmap:${name.text}`, pmap };
}

/** A line of an L3/L4 policy map: `class NAME`, `description`. */
export function policyMapLine(st: ParseState, f: Frame, l: Line): Handled {
  const pmap = f.pmap!;
  if (kw(l, 0) === 'description') return true;
  if (kw(l, 0) !== 'class') return undefined;
  const name = l.w[1];
  if (!name) return new Fail(l.endCol, INVALID, 'name the class, e.g. `class inspection_default`');
  if (l.neg) {
    pmap.classes = pmap.classes.filter((c) => c.name !== name.text);
    return true;
  }
  st.used.classMap.add(name.text);
  let cls = pmap.classes.find((c) => c.name === name.text);
  if (!cls) pmap.classes.push((cls = { name: name.text, line: l.line, inspects: false }));
  return { mode: 'pmap-class', indent: l.indent, owner: `class:${pmap.name}/${name.text}`, pmap, pclass: cls };
}

/** Class commands the emulator does not model (connection limits, QoS, modules): recognised, ignored. */
const CLASS_IGNORED = new Set(['set', 'police', 'priority', 'shape', 'ips', 'csc', 'sfr', 'cxsc', 'user-statistics', 'flow-export', 'service-policy', 'description', 'bandwidth', 'queue-limit']);

/** A line under `class NAME` of an L3/L4 policy map: `[no] inspect PROTOCOL [MAP]`, and the unmodelled actions. */
export function policyClassLine(st: ParseState, f: Frame, l: Line): Handled {
  const cls = f.pclass!;
  const word = kw(l, 0)!;
  // `service-policy NAME global | interface IF` is the global command (an unindented config leaves the class)
  const nested = word !== 'service-policy' || (kw(l, 2) !== 'global' && kw(l, 2) !== 'interface');
  if (CLASS_IGNORED.has(word) && nested) {
    if (word === 'service-policy' && l.w[1]) st.used.policyMap.add(l.w[1].text);
    st.ignored.set(l.line, word === 'service-policy' || word === 'police' || word === 'priority' || word === 'shape' ? 'security features' : 'other inspections');
    return true;
  }
  if (word !== 'inspect') return undefined;
  const proto = kw(l, 1);
  if (!proto) return new Fail(l.endCol, INVALID, 'expected a protocol, e.g. `inspect esmtp`');
  if (proto === 'smtp') return new Fail(l.w[1].col, INVALID, 'the ASA inspects SMTP with `inspect esmtp`');
  if (!l.neg) cls.inspects = true;
  if (proto !== 'esmtp') {
    // other protocols: recognised, not emulated; their inspect map is used
    if (l.w[2] && l.w[2].text !== '_default_esmtp_map') st.used.policyMap.add(l.w[2].text);
    st.ignored.set(l.line, 'other inspections');
    return true;
  }
  const more = extra(l, 3);
  if (more) return more;
  const map = l.w[2] && !l.neg ? l.w[2].text : undefined;
  cls.esmtp = { on: !l.neg, ...(map ? { map } : {}), line: l.line };
  if (map) {
    st.inspectRefs.push({ name: map, line: l.line, col: l.w[2].col });
    st.used.policyMap.add(map);
  }
  return true;
}

/** `class-map …` (global): a regex class, an inspect class (other protocols: ignored), or an L3/L4 class map. */
export function classMapCommand(st: ParseState, l: Line): Handled {
  const { dialect, config } = st;
  if (!dialect.mpf) return new Fail(l.w[0].col, INVALID, `${dialect.label} has no class-map (7.0+)`);
  if (kw(l, 1) === 'type' && kw(l, 2) === 'regex') {
    if (!dialect.inspectMaps) return new Fail(l.w[1].col, INVALID, `regular expression classes came with 7.2(1); ${dialect.label} does not have them`);
    const r = regexClassCommand(config, l.neg, l.w, l.endCol, l.line);
    if ('message' in r) return new Fail(r.col, r.message, r.hint);
    return r.cls ? { mode: 'regex-class', indent: l.indent, owner: `regex-class:${r.cls.name}`, regexClass: r.cls } : true;
  }
  if (kw(l, 1) === 'type') {
    if (kw(l, 2) === 'inspect' && kw(l, 3) === 'esmtp') return new Fail(l.w[3].col, INVALID, 'ESMTP has no inspect class maps: write the match lines in the `policy-map type inspect esmtp` map itself');
    const name = l.w[l.w.length - 1]?.text;
    if (name && !l.neg && kw(l, 2) === 'inspect') st.defined.inspectClasses.set(name, l.line);
    return { mode: 'block', indent: l.indent, kind: 'other inspections' };
  }
  const name = l.w[1];
  if (!name) return new Fail(l.endCol, INVALID, 'name the class map, e.g. `class-map inspection_default`');
  const more = extra(l, 2);
  if (more) return more;
  if (l.neg) {
    config.classMaps.delete(name.text);
    return true;
  }
  let cm = config.classMaps.get(name.text);
  if (!cm || cm.line === 0) config.classMaps.set(name.text, (cm = { name: name.text, matches: [], line: l.line }));
  return { mode: 'class-map', indent: l.indent, owner: `class-map:${name.text}`, classMap: cm };
}

/** A `match …` line of an L3/L4 class map. */
export function classMapLine(_st: ParseState, f: Frame, l: Line): Handled {
  const cm = f.classMap!;
  if (kw(l, 0) === 'description') return true;
  if (kw(l, 0) !== 'match') return undefined;
  const what = kw(l, 1);
  if (!what) return new Fail(l.endCol, INVALID, 'expected `match default-inspection-traffic | port tcp eq N | any | access-list NAME`');
  let m: ClassMap['matches'][number];
  if (what === 'default-inspection-traffic' || what === 'any') m = { kind: what === 'any' ? 'any' : 'default' };
  else if (what === 'access-list' && l.w[2]) m = { kind: 'acl', name: l.w[2].text };
  else if (what === 'port' && (kw(l, 2) === 'tcp' || kw(l, 2) === 'udp')) {
    const tcp = kw(l, 2) === 'tcp';
    if (kw(l, 3) === 'eq') {
      const p = portOf(kw(l, 4));
      if (p === undefined) return new Fail(l.w[4]?.col ?? l.endCol, INVALID, 'expected a port, e.g. `match port tcp eq smtp`');
      m = tcp ? { kind: 'port', from: p, to: p } : { kind: 'other', text: 'udp' };
    } else if (kw(l, 3) === 'range') {
      const [a, b] = l.w[5] ? [portOf(kw(l, 4)), portOf(kw(l, 5))] : (kw(l, 4) ?? '').split('-').map(portOf);
      if (a === undefined || b === undefined) return new Fail(l.w[4]?.col ?? l.endCol, INVALID, 'expected `match port tcp range FROM TO`');
      m = tcp ? { kind: 'port', from: a, to: b } : { kind: 'other', text: 'udp' };
    } else return new Fail(l.w[3]?.col ?? l.endCol, INVALID, 'expected `match port tcp eq N` or `match port tcp range FROM TO`');
  } else m = { kind: 'other', text: l.w.slice(1).map((t) => t.text).join(' ') };
  if (l.neg) cm.matches = cm.matches.filter((x) => JSON.stringify(x) !== JSON.stringify(m));
  else cm.matches.push(m);
  return true;
}

/** A line of `class-map type regex`. */
export function regexClassModeLine(st: ParseState, f: Frame, l: Line): Handled {
  const r = regexClassLine(st.config, f.regexClass!, l.neg, l.w, l.endCol);
  if (r === undefined) return kw(l, 0) === 'exit' ? true : undefined;
  if (r === true) {
    if (kw(l, 0) === 'match' && l.w[2]) st.used.regex.add(l.w[2].text);
    return true;
  }
  return new Fail(r.col, r.message, r.hint);
}

/** `[no] service-policy NAME global | interface IF`. */
export function servicePolicyCommand(st: ParseState, l: Line): Handled {
  if (!st.dialect.mpf) return new Fail(l.w[0].col, INVALID, `${st.dialect.label} has no service-policy (7.0+)`);
  const name = l.w[1];
  const scope = kw(l, 2);
  if (!name || (scope !== 'global' && scope !== 'interface')) return new Fail(l.w[2]?.col ?? l.endCol, INVALID, 'expected `service-policy NAME global` or `service-policy NAME interface IF`');
  if (scope === 'interface' && !l.w[3]) return new Fail(l.endCol, INVALID, 'name the interface: service-policy NAME interface outside');
  const more = extra(l, scope === 'global' ? 3 : 4);
  if (more) return more;
  const where = scope === 'global' ? 'global' : l.w[3].text;
  const list = st.config.servicePolicies;
  const at = list.findIndex((p) => p.scope === where && (!l.neg || p.map === name.text));
  if (l.neg) {
    if (at >= 0) list.splice(at, 1);
    return true;
  }
  st.used.policyMap.add(name.text);
  if (!st.config.policyMaps.has(name.text)) return new Fail(name.col, `ERROR: policy-map ${name.text} does not exist`, `define it first: policy-map ${name.text}`);
  // one policy per interface (and one global): a new one replaces the old
  const sp = { map: name.text, scope: where, line: l.line };
  st.owner.set(l.line, `service-policy:${where}`);
  if (at >= 0) list[at] = sp;
  else list.push(sp);
  return true;
}

/** The factory default of 7.0+ (what a config snippet is typed on top of): inspection_default / global_policy / inspect esmtp. */
export function factoryDefaults(config: CiscoConfig): void {
  config.classMaps.set('inspection_default', { name: 'inspection_default', matches: [{ kind: 'default' }], line: 0 });
  config.policyMaps.set('global_policy', { name: 'global_policy', line: 0, classes: [{ name: 'inspection_default', line: 0, inspects: true, esmtp: { on: true, line: 0 } }] });
  config.servicePolicies.push({ map: 'global_policy', scope: 'global', line: 0 });
}

/** Does the class select SMTP to the receiver (tcp/25)? Addresses in the config are labels: access lists are read for protocol and port only. */
function classMatchesSmtp(config: CiscoConfig, name: string): boolean {
  if (name === 'class-default') return true;
  const cm = config.classMaps.get(name);
  // a whole config may leave out the built-in class-map inspection_default
  if (!cm) return name === 'inspection_default';
  return cm.matches.some((m) => {
    if (m.kind === 'default' || m.kind === 'any') return true;
    if (m.kind === 'port') return m.from <= 25 && 25 <= m.to;
    if (m.kind === 'acl') return (config.accessLists.get(m.name) ?? []).some(aclPermitsSmtp);
    return false;
  });
}

/** An ACE (words after `access-list NAME`) that permits tcp/25 somewhere (INFERRED reading: addresses ignored). */
function aclPermitsSmtp(w: string[]): boolean {
  const i = w.findIndex((x) => x === 'permit' || x === 'deny');
  if (i < 0 || w[i] !== 'permit') return false;
  const proto = w[i + 1];
  if (proto === 'ip') return true;
  if (proto !== 'tcp' && proto !== 'object-group') return false;
  const rest = w.slice(i + 2);
  const ports = rest.flatMap((x, j) => (x === 'eq' ? [[portOf(rest[j + 1]), portOf(rest[j + 1])]] : x === 'range' ? [[portOf(rest[j + 1]), portOf(rest[j + 2])]] : []));
  if (ports.length === 0) return !rest.includes('gt') && !rest.includes('lt') && !rest.includes('neq');
  return ports.some(([a, b]) => a !== undefined && b !== undefined && a <= 25 && 25 <= b);
}

export interface EsmtpInForce {
  on: boolean;
  map?: string;
  /** what each line of the deciding chain does, by owner (service-policy, policy-map, class, class-map) */
  effects: Record<string, string>;
  /** how it was decided, in a sentence */
  why: string;
  /** the `inspect esmtp` line, 0 when none */
  line: number;
}

/**
 * ESMTP inspection of the flow from `outside` to `inside` on tcp/25. Interface policies come before the
 * global one, the ingress interface first (ASA guide: an interface policy takes precedence over the
 * global policy for the same feature; which of two interface policies wins is INFERRED). In a policy
 * map the first class that matches the flow and carries an inspection decides (one inspection per flow).
 */
export function esmtpInForce(config: CiscoConfig, outside: string, inside: string): EsmtpInForce {
  const lower = (s: string) => s.toLowerCase();
  const order = [outside, inside].map((i) => config.servicePolicies.find((p) => p.scope !== 'global' && lower(p.scope) === lower(i))).concat(config.servicePolicies.find((p) => p.scope === 'global'));
  for (const sp of order) {
    if (!sp) continue;
    const pmap: PolicyMap | undefined = config.policyMaps.get(sp.map);
    const cls: PolicyClass | undefined = pmap?.classes.find((c) => c.inspects && classMatchesSmtp(config, c.name));
    if (!pmap || !cls) continue;
    const where = sp.scope === 'global' ? 'service-policy global' : `service-policy on interface ${sp.scope}`;
    const on = cls.esmtp?.on === true;
    const map = on ? cls.esmtp?.map : undefined;
    const effects: Record<string, string> = {
      [`service-policy:${sp.scope}`]: `applies policy-map ${pmap.name} ${sp.scope === 'global' ? 'to every interface' : `to interface ${sp.scope}`}`,
      [`pmap:${pmap.name}`]: `policy-map ${pmap.name}: its class ${cls.name} takes SMTP to the receiver`,
      [`class:${pmap.name}/${cls.name}`]: on ? `ESMTP inspection with ${map ?? '_default_esmtp_map'}` : `class ${cls.name} matches SMTP but has no inspect esmtp: SMTP passes uninspected`,
      [`class-map:${cls.name}`]: `class-map ${cls.name}: selects tcp/25`,
    };
    const why = `${where} → policy-map ${pmap.name} → class ${cls.name} → ${on ? `inspect esmtp${map ? ` ${map}` : ''}` : 'no inspect esmtp'}`;
    return { on, ...(map ? { map } : {}), effects, line: on ? cls.esmtp!.line : 0, why };
  }
  const why = config.servicePolicies.length === 0 ? 'no service-policy applies a policy map: SMTP passes uninspected' : 'no applied policy map has a class that matches tcp/25 with an inspection: SMTP passes uninspected';
  return { on: false, effects: {}, line: 0, why };
}
