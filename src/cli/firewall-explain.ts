import { DEFAULT_KNOBS, DEFECTS, FAMILIES, KNOB_NAMES, knobChoices, knobText, resolveDevice, setKnob, showInForce, type DefectName, type Knobs, type ResolveResult } from '../actors/firewall/index.js';

type Resolved = ResolveResult & { ok: true };

/** Where a firewall's device and config came from, for the header lines. */
export interface ExplainSource {
  /** e.g. `fw`, `fw [fw.device=pix 6.3(5)]`, or the device for `mxlab devices` */
  title: string;
  device?: string;
  config?: string;
  /** the config file's path, or `config:` */
  configFrom?: string;
}

/**
 * `{ style: 'asa', space: 'keep' }` → `style asa, space keep`; lists joined; a flag is its name when
 * on and left out when off; a list of objects (e.g. the EHLO match lines) as `(…; …)`.
 */
function options(o: unknown, nested = false): string {
  if (o === undefined || o === null) return '';
  if (typeof o !== 'object') return String(o);
  return Object.entries(o as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== false && !(nested && Array.isArray(v) && !v.length))
    .map(([k, v]) => (v === true ? k : `${k} ${value(v)}`))
    .join(', ');
}

function value(v: unknown): string {
  if (Array.isArray(v)) return v.length && typeof v[0] === 'object' ? `(${v.map((x) => options(x, true)).join('; ')})` : v.join(' ') || '(none)';
  if (isAction(v)) return action(v);
  return typeof v === 'object' ? `(${options(v, true)})` : String(v);
}

const isAction = (v: unknown): v is { kind: string; log?: boolean; rate?: number } => !!v && typeof v === 'object' && typeof (v as { kind?: unknown }).kind === 'string';
/** A match action as the device writes it: `drop-connection log`, `rate-limit 5`. */
const action = (a: { kind: string; log?: boolean; rate?: number }) => (a.kind === 'log' ? 'log' : `${a.kind}${a.rate !== undefined ? ` ${a.rate}` : ''}${a.log ? ' log' : ''}`);

/** The knobs whose values give this device and config other rules (found by trying each value). */
function relevantKnobs(src: ExplainSource, r: Resolved): (keyof Knobs)[] {
  const rules = JSON.stringify(r.profile.rules);
  return KNOB_NAMES.filter((k) =>
    knobChoices(k).some((v) => {
      const knobs: Partial<Knobs> = {};
      setKnob(knobs, k, v);
      const other = resolveDevice(src.device, src.config, knobs);
      return other.ok && JSON.stringify(other.profile.rules) !== rules;
    }),
  );
}

/**
 * What one firewall does, in full: the release and its train, the config lines that took effect,
 * what is in force in the device's own words, the ordered rule list with its parameters, and the
 * knobs in force. `mxlab explain` and `mxlab devices` print it.
 */
export function explainFirewall(src: ExplainSource, r: Resolved): string[] {
  const p = r.profile;
  const out: string[] = [];
  const family = FAMILIES[p.family as keyof typeof FAMILIES];
  const head = src.title === p.device ? p.device : `${src.title} — ${p.device}`;
  out.push(`${head}${src.device === undefined && src.config ? ' (from the config\'s version line)' : ''}: ${family?.title ?? p.family}`);
  const rel = p.release;
  if (rel) {
    const span = `${rel.product} ${rel.from}${rel.until ? ` … before ${rel.until}` : ' and later'}`;
    out.push(`  release: ${rel.product.toUpperCase()} ${rel.version}, train ${rel.train}; release table row ${span}; config dialect ${rel.dialect}`);
    out.push(`    ${rel.note}`);
    for (const d of rel.defects) out.push(`    defect ${d}: ${DEFECTS[d as DefectName].text} (${DEFECTS[d as DefectName].evidence})`);
    for (const d of rel.fixes) out.push(`    fixed in this row's first release: ${d}`);
  }
  const why = r.config.inspectWhy;
  out.push(`  SMTP inspection: ${p.inspecting ? 'on' : 'off'}${why ? ` — ${why}` : ''}`);
  if (p.interfaces) {
    const server = p.interfaces.server ? `; the receiver is ${p.interfaces.server.address}:${p.interfaces.server.port} on it` : '';
    out.push(`  interfaces: mail comes in on ${p.interfaces.outside}, leaves on ${p.interfaces.inside}${server} (labels in log lines, never contacted)`);
  }
  if (p.idleTimeoutMs !== undefined) out.push(`  idle connections closed after ${p.idleTimeoutMs === 0 ? 'never' : `${p.idleTimeoutMs / 1000} s`} (timeout conn)`);
  if (p.mss !== undefined) out.push(`  segments of at most ${p.mss} bytes (sysopt connection tcpmss)`);

  const rep = r.report;
  if (rep) {
    const ignored = Object.values(rep.ignored).reduce((a, b) => a + b, 0);
    const kinds = Object.entries(rep.ignored).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    out.push('', `Config lines that took effect${src.configFrom ? ` (${src.configFrom})` : ''}: ${rep.applied.length} of ${rep.lines}; ${ignored} ignored${kinds ? ` (${kinds})` : ''}; ${rep.comments} comments`);
    const width = Math.min(48, Math.max(...rep.applied.map((a) => a.text.length), 0));
    for (const a of rep.applied) out.push(`  ${String(a.line).padStart(5)}  ${a.text.padEnd(width)}  ${a.effect}`);
  }
  if (family?.cisco && rel) {
    const mode = rel.dialect === 'fixup' ? 'fixup' : p.family === 'asa-inspect-classic' ? 'classic' : 'mpf';
    const shown = showInForce(r.config, mode);
    out.push('', shown[0].startsWith('policy-map') ? 'In force, as the device shows it (show running-config all policy-map type inspect esmtp):' : "In force, in the device's words:");
    for (const l of shown) out.push(`  ${l}`);
  }
  out.push('', p.rules.length ? 'Rules, in order:' : 'Rules: none (SMTP passes unchanged)');
  p.rules.forEach((rule, i) => out.push(`  ${String(i + 1).padStart(2)}. ${rule.name}${rule.options !== undefined ? `  ${options(rule.options)}` : ''}`));
  const knobs = relevantKnobs(src, r);
  if (knobs.length) {
    out.push('', 'Knobs in force that change these rules (set with "! mxlab knob NAME VALUE" in the config, or --knob NAME=VALUE for mxlab proxy):');
    for (const k of knobs) {
      const v = r.profile.knobs[k] as Knobs[typeof k];
      out.push(`  ${k} = ${knobText(k, v)}${v === DEFAULT_KNOBS[k] ? ' (default)' : ''}   (${knobChoices(k).join(' | ')})`);
    }
  } else out.push('', 'No knob changes what this device does.');
  for (const w of r.warnings) out.push(`warning: config line ${w.line}:${w.col}: ${w.message}${w.hint ? ` — ${w.hint}` : ''}`);
  return out;
}
