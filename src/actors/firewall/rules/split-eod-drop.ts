import { genericLog } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';

/**
 * Mailguard defect [MS-295725] CONFIRMED: an end-of-data `CRLF.CRLF` split across segments is
 * dropped. The bytes of the `.` line are removed from the segment that completes it, so the
 * server never sees the end of the message; the sender times out and retries.
 */
export function splitEodDrop(): Rule {
  return {
    name: 'split-eod-drop',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      const eod = seg.pieces.find((p) => p.kind === 'eod' && (p.start === 0 || p.continued));
      if (!eod) return PASS;
      const data = Buffer.concat([seg.data.subarray(0, eod.start), seg.data.subarray(eod.end)]);
      return {
        kind: 'rewrite',
        data,
        log: genericLog(ctx, 'split-eod-drop', 'end of data split across segments dropped (emulated Mailguard defect)'),
      };
    },
  };
}
