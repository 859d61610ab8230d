import type { SessionResult } from '../model/result.js';

/**
 * A session recorded by programs that keep real time (node containers: ms since the cell started,
 * by the wall clock) moved onto scenario time: every `t` plus the ms the scenario clock had skipped
 * when the attempt started (it never jumps while an attempt is in flight). Returns a copy: the
 * records it was assembled from stay on the containers' clock (a later attempt is matched against them).
 */
export function shiftSession(s: SessionResult, ms: number): SessionResult {
  if (!ms) return s;
  return {
    ...s,
    hops: s.hops.map((h) => ({ ...h, entries: h.entries.map((e) => ({ ...e, t: e.t + ms })) })),
    firewall: { ...s.firewall, events: s.firewall.events.map((e) => ({ ...e, t: e.t + ms })) },
    ...(s.wire
      ? {
          wire: s.wire.map((w) => ({
            ...w,
            t: w.t + ms,
            ...(w.end ? { end: { ...w.end, t: w.end.t + ms } } : {}),
            segments: w.segments.map((seg) => ({ ...seg, t: seg.t + ms })),
          })),
        }
      : {}),
  };
}
