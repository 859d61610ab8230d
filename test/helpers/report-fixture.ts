import type { RunResult, SessionResult, TranscriptEntry } from '../../src/model/result.js';

/** For the html and bundle reporter tests. */
export const XSS = '<script>alert(1)</script>';
const e = (t: number, dir: 'c2s' | 's2c', text: string, tls?: boolean): TranscriptEntry => ({ t, dir, text, ...(tls ? { tls } : {}) });

/** A hostile session: attacker bytes in the banner, an EHLO line, the detail, the firewall log and the sender log. */
export function hostileResult(): RunResult {
  const session: SessionResult = {
    message: `m"${XSS}`,
    from: 'partner',
    to: 'esa',
    outcome: 'delivered',
    reason: 'ok',
    tls: false,
    detail: `250 ok ${XSS}`,
    attempts: 1,
    clientView: { banner: [`220 ${XSS}`], ehlo: ['250-esa', '250 XXXXXXXA'] },
    serverView: { commands: ['EHLO partner.example', 'XXXXXXXX'], tls: false, accepted: true },
    hops: [
      { from: 'partner', to: 'fw', entries: [e(1, 's2c', `220 ${XSS}`), e(2, 'c2s', 'EHLO partner.example'), e(3, 's2c', '250-esa'), e(4, 's2c', '250 XXXXXXXA'), e(5, 'c2s', 'STARTTLS'), e(6, 'c2s', 'NUL\x00ESC\x1b[31mred')] },
      { from: 'fw', to: 'esa', entries: [e(0.5, 's2c', `220 ${XSS}`), e(2.5, 'c2s', 'EHLO partner.example'), e(2.7, 's2c', '250-esa'), e(2.8, 's2c', '250 STARTTLS'), e(5.5, 'c2s', 'XXXXXXXX'), e(6.5, 'c2s', 'NUL\x00ESC\x1b[31mred')] },
    ],
    firewall: { events: [{ t: 3.5, node: 'fw', conn: 1, rule: 'mask-ehlo-parameter', action: 'rewrite', direction: 'server', log: `%PIX-5-108003: ${XSS}` }] },
    log: [`sender saw ${XSS}`],
  };
  return {
    mxlab: '9.9.9',
    startedAt: '2026-11-28T08:00:00.000Z',
    durationMs: 1234,
    ok: false,
    summary: { scenarios: 1, cells: 1, expectations: 1, failed: 1, errors: 0 },
    scenarios: [
      {
        file: 'scenarios/hostile.yaml',
        name: `hostile ${XSS}`,
        runtime: 'local',
        ok: false,
        cells: [
          {
            cell: { 'fw.device': 'pix 7.2(2)' },
            label: 'fw.device=pix 7.2(2)',
            ok: false,
            sessions: [session],
            expectations: [
              { spec: { message: session.message, tls: true }, line: 9, message: session.message, ok: false, checks: [{ name: 'tls', ok: false, expected: true, actual: false }, { name: 'outcome', ok: true, expected: 'delivered', actual: 'delivered' }] },
            ],
            durationMs: 42,
          },
        ],
      },
    ],
  };
}
