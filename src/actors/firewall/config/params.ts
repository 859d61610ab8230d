import type { MatchAction } from '../engine/match-action.js';
import type { Dialect } from './dialect.js';
import type { EsmtpMap } from './model.js';
import type { Token } from './tokens.js';

export const INVALID = "% Invalid input detected at '^' marker.";

/** A command of the mode, badly formed: where and why. */
export interface ParamError {
  col: number;
  message: string;
  hint?: string;
}

/** `action drop-connection [log] | log` at w[i]; the action or the error. */
function actionAt(w: Token[], i: number, endCol: number, usage: string): MatchAction | ParamError {
  if (w[i]?.text.toLowerCase() !== 'action') return { col: w[i]?.col ?? endCol, message: INVALID, hint: `expected \`${usage}\`` };
  const act = w[i + 1]?.text.toLowerCase();
  if (act !== 'drop-connection' && act !== 'log') return { col: w[i + 1]?.col ?? endCol, message: INVALID, hint: `expected \`${usage}\`` };
  const log = act === 'log' || w[i + 2]?.text.toLowerCase() === 'log';
  const extra = w[act === 'drop-connection' && log ? i + 3 : i + 2];
  if (extra) return { col: extra.col, message: INVALID, hint: 'nothing may follow here' };
  return { kind: act, log };
}

const isError = (x: MatchAction | ParamError): x is ParamError => 'message' in x;

/**
 * A line of `parameters` in a `policy-map type inspect esmtp`: `[no] mask-banner`,
 * `[no] allow-tls [action log]`, `[no] special-character [action drop-connection [log] | log]`,
 * `[no] mail-relay DOMAIN action drop-connection [log] | log`. undefined: not a parameter.
 */
export function paramLine(map: EsmtpMap, neg: boolean, w: Token[], endCol: number, dialect: Dialect): true | ParamError | undefined {
  switch (w[0].text.toLowerCase()) {
    case 'mask-banner':
      map.maskBanner = !neg;
      return w[1] ? { col: w[1].col, message: INVALID } : true;
    case 'allow-tls': {
      if (!dialect.allowTls) return { col: w[0].col, message: INVALID, hint: `allow-tls first appeared in 7.2(3) and 8.0(3); ${dialect.label} does not have it — upgrade, or use \`no inspect esmtp\`` };
      const rest = w.slice(1).map((t) => t.text.toLowerCase()).join(' ');
      if (rest !== '' && rest !== 'action log') return { col: w[1].col, message: INVALID, hint: 'expected `allow-tls [action log]`' };
      map.allowTls = { on: !neg, log: !neg && rest === 'action log' };
      return true;
    }
    case 'special-character': {
      if (neg) {
        map.specialCharacter = undefined;
        return w[1] ? { col: w[1].col, message: INVALID, hint: 'expected `no special-character`' } : true;
      }
      // without an action the device only notices them (INFERRED: log)
      if (!w[1]) return (map.specialCharacter = { kind: 'log', log: true }), true;
      const a = actionAt(w, 1, endCol, 'special-character action drop-connection [log] | log');
      if (isError(a)) return a;
      map.specialCharacter = a;
      return true;
    }
    case 'mail-relay': {
      if (neg) {
        map.mailRelay = undefined;
        return true;
      }
      const d = w[1];
      if (!d || d.text.toLowerCase() === 'action') return { col: d?.col ?? endCol, message: INVALID, hint: 'expected `mail-relay DOMAIN action drop-connection [log] | log`' };
      if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/.test(d.text)) return { col: d.col, message: INVALID, hint: 'expected a domain name, e.g. `mail-relay example.com action drop-connection log`' };
      const a = actionAt(w, 2, endCol, `mail-relay ${d.text} action drop-connection [log] | log`);
      if (isError(a)) return a;
      map.mailRelay = { domain: d.text.replace(/\.$/, '').toLowerCase(), action: a };
      return true;
    }
  }
  return undefined;
}
