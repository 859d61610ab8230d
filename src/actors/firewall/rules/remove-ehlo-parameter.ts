import { genericLog } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';

export interface RemoveEhloParameterOptions {
  /** `keep`: only `keywords` survive (Zorp); `remove`: `keywords` are removed (F-Secure IGK) */
  mode: 'keep' | 'remove';
  keywords: string[];
  /** lower a larger `SIZE n` to this (F-Secure caps SIZE; the value is INFERRED) */
  sizeCap?: number;
  /**
   * `netdefendos`: the D-Link ALG's own log message, one line per removed keyword — event
   * unsupported_extension, ID 00200185, `SMTPALG: Removed capability <capa> from EHLO response`
   * [DFL-860 Log Reference Guide §2.1.65]; default the generic mxlab line
   */
  log?: 'generic' | 'netdefendos';
}

/** The D-Link NetDefendOS log line for one removed EHLO keyword (ID, event and action as the log reference gives them). */
export function netDefendRemoved(capa: string): string {
  return `NetDefendOS id=00200185 event=unsupported_extension action=capability_removed capa=${capa}: SMTPALG: Removed capability ${capa} from EHLO response`;
}

/** An application proxy may hold one EHLO reply; beyond this it passes bytes unfiltered. */
const MAX_HELD = 16 * 1024;

interface State {
  held: string[];
  partial: string;
  overflow: boolean;
}

/**
 * Application proxies (Zorp, F-Secure Internet Gatekeeper) *remove* EHLO lines instead of
 * masking them. [ZORP, FSIGK] CONFIRMED. The reply is held until its last line, then re-emitted
 * with the last kept line re-terminated as `250 ` (INFERRED). Changes lengths: these are proxies.
 */
export function removeEhloParameter(o: RemoveEhloParameterOptions): Rule<State> {
  const words = new Set(o.keywords.map((k) => k.toUpperCase()));
  return {
    name: 'remove-ehlo-parameter',
    init: () => ({ held: [], partial: '', overflow: false }),
    onServerSegment(seg, st, ctx) {
      if (!seg.pieces.some((p) => p.replyTo === 'EHLO')) return PASS;
      const out: Buffer[] = [];
      const removed: string[] = [];
      for (const p of seg.pieces) {
        const bytes = seg.data.subarray(p.start, p.end);
        if (p.replyTo !== 'EHLO' || st.overflow) {
          out.push(bytes);
          continue;
        }
        st.partial += bytes.toString('latin1');
        if (st.partial.length + st.held.join('').length > MAX_HELD) {
          st.overflow = true;
          out.push(Buffer.from(st.held.join('') + st.partial, 'latin1'));
          st.held = [];
          st.partial = '';
          continue;
        }
        if (!p.complete) continue;
        st.held.push(st.partial);
        st.partial = '';
        if (!p.final) continue;
        out.push(Buffer.from(filter(st.held, removed), 'latin1'));
        st.held = [];
      }
      if (seg.pieces.some((p) => p.replyTo === 'EHLO' && p.final)) st.overflow = false;
      const data = Buffer.concat(out);
      if (data.equals(seg.data)) return PASS;
      if (!removed.length) return { kind: 'rewrite', data };
      const log = o.log === 'netdefendos' ? removed.map(netDefendRemoved).join('\n') : genericLog(ctx, 'remove-ehlo-parameter', `EHLO keywords removed: ${removed.join(', ')}`);
      return { kind: 'rewrite', data, log };
    },
  };

  function filter(lines: string[], removed: string[]): string {
    const kept = lines.filter((l, i) => {
      if (i === 0) return true;
      const word = (l.slice(4).split(/[ \r\n]/, 1)[0] ?? '').toUpperCase();
      const keep = o.mode === 'keep' ? words.has(word) : !words.has(word);
      if (!keep) removed.push(word);
      return keep;
    });
    const capped = kept.map((l) => {
      const m = /^(\d{3}[ -])SIZE (\d+)(\r?\n)$/i.exec(l);
      return m && o.sizeCap !== undefined && Number(m[2]) > o.sizeCap ? `${m[1]}SIZE ${o.sizeCap}${m[3]}` : l;
    });
    return capped.map((l, i) => (l.length >= 4 ? l.slice(0, 3) + (i === capped.length - 1 ? ' ' : '-') + l.slice(4) : l)).join('');
  }
}
