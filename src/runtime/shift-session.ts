import type { SessionResult } from '../model/result.js';

/**
 * A session recorded by programs that keep real time (node containers: ms since the cell started,
 * by the wall clock) moved onto scenario time: every `t` plus the ms the scenario clock had skipped
 * when the attempt started (it never jumps while an attempt is in flight). In place; returns `s`.
 */
export function shiftSession(s: SessionResult, ms: number): SessionResult {
  if (!ms) return s;
  for (const h of s.hops) for (const e of h.entries) e.t += ms;
  for (const e of s.firewall.events) e.t += ms;
  for (const w of s.wire ?? []) {
    w.t += ms;
    if (w.end) w.end.t += ms;
    for (const seg of w.segments) seg.t += ms;
  }
  return s;
}
