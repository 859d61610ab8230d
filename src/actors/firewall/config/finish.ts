import { sidesOf } from './interfaces.js';
import { esmtpInForce } from './mpf.js';
import { resolveRegexClasses } from './regex-class.js';
import type { ParseState } from './state.js';

/**
 * After the last line: the inspection in force (fixup ports, or the service-policy → policy-map →
 * class → inspect chain for the flow from outside to the receiver), which lines took effect, the
 * ignored ones by kind, and warnings for what is defined and never used.
 */
export function finish(st: ParseState): void {
  const { config, dialect } = st;
  resolveRegexClasses(config);
  for (const r of st.inspectRefs) {
    if (r.name !== '_default_esmtp_map' && !config.maps.has(r.name)) {
      st.errors.push({ line: r.line, col: r.col, message: `ERROR: Inspect policy-map ${r.name} not found`, hint: `define it first: policy-map type inspect esmtp ${r.name}` });
    }
  }
  const sides = sidesOf(config, st.objects, st.networkObjects);
  if (config.interfaces.length || config.statics.length) {
    const r = sides.receiver;
    config.sides = { outside: sides.outsideName, inside: sides.insideName, ...(r ? { receiver: { address: r.address, mapped: r.mapped, port: r.port, line: r.line } } : {}) };
  }
  const effect = new Map<string, string>();
  if (sides.outside) effect.set(`iface:${sides.outside.hardware}`, `outside interface ${sides.outsideName}: the partner's mail comes in here`);
  if (sides.inside) effect.set(`iface:${sides.inside.hardware}`, `inside interface ${sides.insideName}: the receiver node sits behind it`);
  if (sides.receiver) effect.set(`static:${sides.receiver.index}`, `publishes the receiver: ${sides.receiver.address} (inside) as ${sides.receiver.mapped} (outside); labels in log lines, never contacted`);

  if (dialect.fixup) {
    const line = [...st.applied.keys()].filter((n) => /Mailguard/.test(st.applied.get(n)!)).pop() ?? 0;
    config.fixupSmtp = { on: config.fixupPorts.has(25), port: 25, line };
    const mailhost = [...st.applied.keys()].find((n) => st.applied.get(n)!.startsWith('mailhost:'));
    config.inspectWhy = mailhost
      ? `line ${mailhost}, ${st.applied.get(mailhost)}`
      : config.fixupSmtp.on
        ? `fixup protocol smtp 25${line ? '' : ' (the default)'}: Mailguard on port 25`
        : 'no fixup protocol smtp 25: SMTP passes uninspected';
  } else {
    const f = esmtpInForce(config, sides.outsideName, sides.insideName);
    config.inspectEsmtp = { on: f.on, ...(f.map ? { map: f.map } : {}), line: f.line };
    // before 7.2(1) there are no inspect maps: the release's own ESMTP inspection is in force
    const builtin = dialect.inspectMaps ? '_default_esmtp_map' : "the release's built-in rules (no inspect maps before 7.2(1))";
    for (const [o, e] of Object.entries(f.effects)) effect.set(o, e.replace('with _default_esmtp_map', `with ${builtin}`));
    config.inspectWhy = f.why;
    if (f.on) {
      const name = f.map ?? '_default_esmtp_map';
      effect.set(`esmtp-map:${name}`, `policy-map type inspect esmtp ${name}: the ESMTP inspection map in force`);
      for (const m of config.maps.get(name)?.matches ?? []) {
        const c = m.criterion;
        if (c.kind !== 'sender-address-regex' && c.kind !== 'mime-filetype-regex') continue;
        if (c.class) effect.set(`regex-class:${c.class}`, `regex class ${c.class}, used by match ${m.text} of the map in force`);
        const names = c.class ? (config.regexClasses.get(c.class)?.regexes ?? []) : [c.regex];
        for (const n of names) effect.set(`regex:${n}`, `regex ${n}, used by match ${m.text} of the map in force`);
      }
    }
  }

  // every line: applied (its owner is in force, or it acts by itself) or ignored by kind
  const report = config.report;
  for (const [line, owner] of st.owner) {
    const e = effect.get(owner);
    if (e) st.applied.set(line, e);
    else st.ignored.set(line, owner.startsWith('iface:') ? 'interfaces' : owner.startsWith('static:') ? 'NAT' : 'not in effect');
  }
  report.applied = [...st.applied].sort((a, b) => a[0] - b[0]).map(([line, e]) => ({ line, text: '', effect: e }));
  for (const kind of st.ignored.values()) report.ignored[kind] = (report.ignored[kind] ?? 0) + 1;

  unused(st);
}

/** A policy map, class map or regex that nothing refers to: a warning at its definition. */
function unused(st: ParseState): void {
  const { config, used } = st;
  const warn = (line: number, what: string, why: string) => st.warnings.push({ line, col: 1, message: `${what} is defined but ${why}`, hint: 'remove it, or refer to it where it should act' });
  for (const m of config.maps.values()) {
    if (m.line && !used.policyMap.has(m.name) && !(m.name === '_default_esmtp_map' && config.inspectEsmtp.on && !config.inspectEsmtp.map)) {
      warn(m.line, `policy-map type inspect esmtp ${m.name}`, 'no `inspect esmtp` uses it');
    }
  }
  for (const [name, line] of st.defined.inspectMaps) if (!used.policyMap.has(name)) warn(line, `policy-map type inspect ${name}`, 'no `inspect` line uses it');
  for (const p of config.policyMaps.values()) if (p.line && !used.policyMap.has(p.name)) warn(p.line, `policy-map ${p.name}`, 'no `service-policy` applies it');
  for (const c of config.classMaps.values()) if (c.line && !used.classMap.has(c.name)) warn(c.line, `class-map ${c.name}`, 'no policy map has a `class` for it');
  for (const [name, line] of st.defined.inspectClasses) if (!used.classMap.has(name)) warn(line, `class-map type inspect ${name}`, 'no inspect policy map has a `class` for it');
  for (const c of config.regexClasses.values()) if (!used.regexClass.has(c.name)) warn(c.line, `class-map type regex ${c.name}`, 'no `match … regex class` uses it');
  for (const [name, line] of config.regexLines) if (!used.regex.has(name)) warn(line, `regex ${name}`, 'no `match` uses it');
  st.warnings.sort((a, b) => a.line - b.line);
}
