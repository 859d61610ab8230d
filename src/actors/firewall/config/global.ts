import { regexCommand } from './regex.js';
import { colAt, extra, Fail, INVALID, kw, type Handled, type Line, type ParseState } from './state.js';

/** Global-mode commands that change SMTP on the wire other than the MPF and NAT: fixup, regex, timeout conn, sysopt tcpmss. */

/** `[no] fixup protocol smtp PORT[-PORT]` (PIX ≤ 6.3); other protocols are recognised and ignored. */
export function fixupCommand(st: ParseState, l: Line): Handled {
  const { dialect, config } = st;
  if (!dialect.fixup) {
    return new Fail(l.w[0].col, INVALID, `${dialect.label} replaced fixup with the Modular Policy Framework: policy-map global_policy / class inspection_default / ${l.neg ? 'no ' : ''}inspect esmtp`);
  }
  if (kw(l, 1) !== 'protocol') return new Fail(colAt(l, 1), INVALID, 'expected `fixup protocol smtp 25`');
  if (!l.w[2]) return new Fail(l.endCol, INVALID, 'expected a protocol, e.g. `smtp`');
  if (kw(l, 2) !== 'smtp') {
    st.ignored.set(l.line, 'other inspections');
    return true;
  }
  if (l.neg && !l.w[3]) {
    // `no fixup protocol smtp` clears every smtp port and sets 25 back as the default (PIX 6.3 command reference)
    config.fixupPorts.clear();
    config.fixupPorts.add(25);
    st.applied.set(l.line, 'Mailguard back to its default: port 25 only');
    return true;
  }
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(l.w[3]?.text ?? '');
  if (!m) return new Fail(colAt(l, 3), INVALID, 'expected a port, e.g. `fixup protocol smtp 25`');
  const more = extra(l, 4);
  if (more) return more;
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  for (let p = from; p <= Math.min(to, from + 1024); p++) {
    if (l.neg) config.fixupPorts.delete(p);
    else config.fixupPorts.add(p);
  }
  const covers = from <= 25 && 25 <= to;
  if (covers) st.applied.set(l.line, l.neg ? 'Mailguard off for port 25: SMTP passes uninspected' : 'Mailguard (SMTP fixup) on port 25');
  else st.ignored.set(l.line, 'other inspections');
  return true;
}

/** `[no] regex NAME "pattern"` (7.2+). */
export function regexDefinition(st: ParseState, l: Line): Handled {
  const { dialect, config } = st;
  if (!dialect.inspectMaps) return new Fail(l.w[0].col, INVALID, `regular expressions for inspect maps came with 7.2(1); ${dialect.label} does not have them`);
  if (l.neg) {
    if (!l.w[1]) return new Fail(l.endCol, INVALID, 'expected `no regex NAME`');
    config.regexes.delete(l.w[1].text);
    config.regexLines.delete(l.w[1].text);
    return true;
  }
  const r = regexCommand(l.raw, l.w, l.endCol);
  if (!r.ok) return new Fail(r.col, r.message, r.hint);
  config.regexes.set(r.name, r.regex.pattern);
  config.regexLines.set(r.name, l.line);
  st.owner.set(l.line, `regex:${r.name}`);
  return true;
}

/** `H:MM:SS` → ms. */
function duration(text: string | undefined): number | undefined {
  const m = /^(\d{1,4}):(\d{1,2}):(\d{1,2})$/.exec(text ?? '');
  if (!m || Number(m[2]) > 59 || Number(m[3]) > 59) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

/** `timeout conn H:MM:SS [half-closed …]`: the idle timeout of a connection (0:00:00 = none); other timeouts ignored. */
export function timeoutCommand(st: ParseState, l: Line): Handled {
  if (kw(l, 1) !== 'conn') return undefined;
  if (l.neg) {
    delete st.config.timeoutConn;
    return true;
  }
  const ms = duration(l.w[2]?.text);
  if (ms === undefined) return new Fail(colAt(l, 2), INVALID, 'expected `timeout conn H:MM:SS`, e.g. `timeout conn 1:00:00`');
  st.config.timeoutConn = { ms, line: l.line };
  st.applied.set(l.line, ms === 0 ? 'timeout conn 0:00:00: idle connections are never closed' : `idle connections are closed after ${l.w[2].text}`);
  return true;
}

/** `sysopt connection tcpmss N`: segments of at most N bytes both ways; other sysopts ignored. */
export function sysoptCommand(st: ParseState, l: Line): Handled {
  if (kw(l, 1) !== 'connection' || kw(l, 2) !== 'tcpmss' || kw(l, 3) === 'minimum') return undefined;
  if (l.neg) {
    delete st.config.tcpMss;
    return true;
  }
  const n = Number(l.w[3]?.text);
  if (!/^\d{1,5}$/.test(l.w[3]?.text ?? '') || n < 48 || n > 65535) return new Fail(colAt(l, 3), INVALID, 'expected `sysopt connection tcpmss 48`–`65535` (bytes)');
  st.config.tcpMss = { bytes: n, line: l.line };
  st.applied.set(l.line, `TCP segments of at most ${n} bytes in both directions (the MSS the firewall writes into the handshake)`);
  return true;
}
