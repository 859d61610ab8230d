import type { CiscoConfig, Interface, StaticNat } from './model.js';
import { Fail, INVALID, kw, type Frame, type Handled, type Line, type ParseState } from './state.js';

/**
 * Interfaces, names and the static translations that place the receiver behind the firewall. The
 * addresses are labels: the emulator never contacts them; they name the two sides in log lines and
 * in `mxlab explain` (the outside interface is where the partner's mail comes in, the inside one
 * leads to the receiver node).
 */

const ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

/** `interface HW` (ASA: a sub-mode) or `interface HW SPEED|vlanN …` (PIX 6: one line). */
export function interfaceCommand(st: ParseState, l: Line): Handled {
  const hw = l.w[1];
  if (!hw) return new Fail(l.endCol, INVALID, 'name the interface, e.g. `interface Ethernet0/0`');
  let iface = st.config.interfaces.find((i) => i.hardware.toLowerCase() === hw.text.toLowerCase());
  if (!iface) st.config.interfaces.push((iface = { hardware: hw.text, line: l.line }));
  const owner = `iface:${iface.hardware}`;
  st.owner.set(l.line, owner);
  if (l.w.length > 2) return true; // PIX 6: `interface ethernet0 auto`
  return { mode: 'interface', indent: l.indent, owner, iface };
}

/** A line under `interface HW`: nameif, security-level, ip address are read; the rest is ignored with the interface. */
export function interfaceLine(st: ParseState, f: Frame, l: Line): Handled {
  const iface = f.iface!;
  switch (kw(l, 0)) {
    case 'nameif':
      if (l.neg) delete iface.nameif;
      else if (l.w[1]) iface.nameif = l.w[1].text;
      return true;
    case 'security-level': {
      if (l.neg) delete iface.security;
      else if (l.w[1] && /^\d{1,3}$/.test(l.w[1].text)) iface.security = Number(l.w[1].text);
      else return new Fail(l.w[1]?.col ?? l.endCol, INVALID, 'expected `security-level 0`–`100`');
      return true;
    }
    case 'ip':
      if (kw(l, 1) !== 'address') return undefined;
      if (!l.neg && l.w[2]) iface.address = l.w[2].text;
      return true;
  }
  return undefined;
}

/** PIX 6: `nameif HW NAME securityN`. */
export function nameifCommand(st: ParseState, l: Line): Handled {
  const [, hw, name, sec] = l.w;
  if (!hw || !name) return new Fail(l.w[1]?.col ?? l.endCol, INVALID, 'expected `nameif ethernet0 outside security0`');
  let iface = st.config.interfaces.find((i) => i.hardware.toLowerCase() === hw.text.toLowerCase());
  if (!iface) st.config.interfaces.push((iface = { hardware: hw.text, line: l.line }));
  iface.nameif = name.text;
  const m = /^security(\d{1,3})$/i.exec(sec?.text ?? '');
  if (m) iface.security = Number(m[1]);
  st.owner.set(l.line, `iface:${iface.hardware}`);
  return true;
}

/** PIX 6: `ip address IFNAME ADDRESS MASK`; any other `ip …` is left to the ignored table. */
export function ipCommand(st: ParseState, l: Line): Handled {
  if (kw(l, 1) !== 'address' || !l.w[2] || !l.w[3]) return undefined;
  const iface = st.config.interfaces.find((i) => i.nameif?.toLowerCase() === l.w[2].text.toLowerCase());
  if (!iface) return undefined;
  if (!l.neg) iface.address = l.w[3].text;
  st.owner.set(l.line, `iface:${iface.hardware}`);
  return true;
}

/** `name ADDRESS NAME [description …]` (with `names` on, the config then writes NAME for ADDRESS). */
export function nameCommand(st: ParseState, l: Line): Handled {
  if (!l.neg && l.w[1] && l.w[2] && ADDRESS.test(l.w[1].text)) st.config.names.set(l.w[2].text, l.w[1].text);
  return undefined; // counted with the other ignored `names` lines
}

/** `(real,mapped)` → the two interface names. */
function ifPair(text: string | undefined): [string, string] | undefined {
  const m = /^\(([^,()]+),([^,()]+)\)$/.exec(text ?? '');
  return m ? [m[1], m[2]] : undefined;
}

const PORT: Record<string, number> = { smtp: 25 };
const portOf = (w: string | undefined) => (w === undefined ? undefined : /^\d{1,5}$/.test(w) ? Number(w) : PORT[w.toLowerCase()] ?? -1);

/** Pre-8.3 `static (real_if,mapped_if) [tcp|udp] MAPPED [PORT] REAL [PORT] [netmask M] …` (PIX 4: the pair optional, inside to outside). */
export function staticCommand(st: ParseState, l: Line): Handled {
  const given = ifPair(l.w[1]?.text);
  const pair = given ?? (l.w[1] && !l.w[1].text.startsWith('(') ? (['inside', 'outside'] as [string, string]) : undefined);
  if (!pair) return new Fail(l.w[1]?.col ?? l.endCol, INVALID, 'expected `static (inside,outside) MAPPED REAL netmask 255.255.255.255`');
  let i = given ? 2 : 1;
  const proto = kw(l, i);
  const withPort = proto === 'tcp' || proto === 'udp';
  if (withPort) i++;
  const mapped = l.w[i]?.text;
  const mappedPort = withPort ? portOf(l.w[i + 1]?.text) : undefined;
  const real = l.w[withPort ? i + 2 : i + 1]?.text;
  if (!mapped || !real) return new Fail(l.endCol, INVALID, 'expected `static (inside,outside) MAPPED REAL netmask 255.255.255.255`');
  const mask = l.w.findIndex((t) => t.text.toLowerCase() === 'netmask');
  // a policy static (`static (inside,outside) MAPPED access-list ACL`) translates what an ACL selects: not one host
  const network = (mask > 0 && l.w[mask + 1] !== undefined && l.w[mask + 1].text !== '255.255.255.255') || real.toLowerCase() === 'access-list';
  if (!l.neg && proto !== 'udp') {
    st.config.statics.push({ realIf: pair[0], mappedIf: pair[1], real, mapped, ...(mappedPort !== undefined ? { port: mappedPort } : {}), ...(network ? { network } : {}), line: l.line, text: l.raw.trim() });
    st.owner.set(l.line, `static:${st.config.statics.length - 1}`);
    return true;
  }
  return undefined;
}

/**
 * PIX 4.0/4.1 `mailhost GLOBAL LOCAL`: the firewall takes SMTP for the mail server LOCAL, published
 * as GLOBAL (4.2 replaced it with `fixup protocol smtp 25`).
 */
export function mailhostCommand(st: ParseState, l: Line): Handled {
  if (!st.dialect.fixup) return new Fail(l.w[0].col, INVALID, `mailhost was PIX 4.0/4.1; ${st.dialect.label} inspects SMTP with inspect esmtp`);
  const [, mapped, real] = l.w;
  if (!mapped || !real) return new Fail(l.w[1]?.col ?? l.endCol, INVALID, 'expected `mailhost GLOBAL_IP LOCAL_IP`');
  if (l.neg) return true;
  st.config.statics.push({ realIf: 'inside', mappedIf: 'outside', real: real.text, mapped: mapped.text, port: 25, line: l.line, text: l.raw.trim() });
  st.applied.set(l.line, `mailhost: the firewall takes SMTP for ${real.text} (inside), published as ${mapped.text} (outside)`);
  return true;
}

/** `object network NAME` (8.3+): its `host` and its object NAT. */
export function objectCommand(st: ParseState, l: Line): Handled {
  if (kw(l, 1) !== 'network' || !l.w[2] || l.neg) return undefined;
  return { mode: 'object-network', indent: l.indent, kind: 'objects', object: { name: l.w[2].text } };
}

/** A line under `object network NAME`: `host A`, `nat (inside,outside) static MAPPED [service tcp smtp smtp]`. */
export function objectLine(st: ParseState, f: Frame, l: Line): Handled {
  const obj = f.object!;
  if (kw(l, 0) === 'host' && l.w[1]) {
    obj.host = l.w[1].text;
    st.objects.set(obj.name, obj.host);
    return undefined;
  }
  if ((kw(l, 0) === 'subnet' || kw(l, 0) === 'range') && !l.neg) {
    st.networkObjects.add(obj.name);
    return undefined;
  }
  if (kw(l, 0) !== 'nat' || l.neg) return undefined;
  const pair = ifPair(l.w[1]?.text);
  if (!pair || kw(l, 2) !== 'static' || !l.w[3]) return undefined;
  const svc = l.w.findIndex((t) => t.text.toLowerCase() === 'service');
  const port = svc > 0 && kw(l, svc + 1) === 'tcp' ? portOf(l.w[svc + 3]?.text) : undefined;
  st.config.statics.push({ realIf: pair[0], mappedIf: pair[1], real: obj.host ?? obj.name, mapped: l.w[3].text, ...(port !== undefined ? { port } : {}), line: l.line, text: l.raw.trim() });
  st.owner.set(l.line, `static:${st.config.statics.length - 1}`);
  return true;
}

/** 8.3+ twice NAT: `nat (inside,outside) source static REAL MAPPED …` (objects resolved at the end). */
export function natCommand(st: ParseState, l: Line): Handled {
  const pair = ifPair(l.w[1]?.text);
  if (!pair || l.neg) return undefined;
  const at = l.w.findIndex((t) => t.text.toLowerCase() === 'source');
  if (at < 0 || kw(l, at + 1) !== 'static' || !l.w[at + 2] || !l.w[at + 3]) return undefined;
  const towards = l.w.some((t) => t.text.toLowerCase() === 'destination');
  st.config.statics.push({ realIf: pair[0], mappedIf: pair[1], real: l.w[at + 2].text, mapped: l.w[at + 3].text, ...(towards ? { towards } : {}), line: l.line, text: l.raw.trim() });
  st.owner.set(l.line, `static:${st.config.statics.length - 1}`);
  return true;
}

export interface Sides {
  outside: Interface | undefined;
  inside: Interface | undefined;
  outsideName: string;
  insideName: string;
  /** the static that publishes the receiver: its real (inside) address and where it came from */
  receiver?: { address: string; mapped: string; port: number; line: number; index: number };
}

/**
 * Which interface the partner's mail enters (nameif outside, else the lowest security level), the
 * static translation that publishes the receiver on it (one for tcp/25 first, else one for a whole
 * host; not a network, nor a twice NAT that applies only towards one destination, as a VPN
 * exemption does), and the interface that leads to the receiver: the one that static comes from
 * (a mail server in a DMZ), else nameif inside, else the highest security level.
 */
export function sidesOf(config: CiscoConfig, objects: Map<string, string>, networkObjects: ReadonlySet<string> = new Set()): Sides {
  const named = config.interfaces.filter((i) => i.nameif);
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const byName = (n: string) => named.find((i) => eq(i.nameif!, n));
  const bySec = [...named].filter((i) => i.security !== undefined).sort((a, b) => a.security! - b.security!);
  const outside = byName('outside') ?? bySec[0];
  const outsideName = outside?.nameif ?? 'outside';
  const resolve = (a: string) => objects.get(a) ?? config.names.get(a) ?? a;
  const host = (s: StaticNat) => !s.network && !s.towards && !networkObjects.has(s.real) && ADDRESS.test(resolve(s.real));
  const candidates = config.statics.map((s, index) => ({ s, index })).filter(({ s }) => eq(s.mappedIf, outsideName) && !eq(s.realIf, outsideName) && !s.towards);
  const pick = candidates.find(({ s }) => s.port === 25 && !s.network) ?? candidates.find(({ s }) => s.port === undefined && host(s));
  const inside = (pick && byName(pick.s.realIf)) ?? byName('inside') ?? [...bySec].reverse().find((i) => i !== outside);
  const insideName = pick?.s.realIf ?? inside?.nameif ?? 'inside';
  const receiver = pick
    ? { address: resolve(pick.s.real), mapped: pick.s.mapped === 'interface' ? (outside?.address ?? 'interface') : resolve(pick.s.mapped), port: 25, line: pick.s.line, index: pick.index }
    : undefined;
  return { outside, inside, outsideName, insideName, ...(receiver ? { receiver } : {}) };
}
