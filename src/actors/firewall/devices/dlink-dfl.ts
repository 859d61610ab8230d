import type { RuleSpec } from '../rules/index.js';
import type { DeviceFamily } from './types.js';

/**
 * D-Link DFL (NetDefendOS) SMTP ALG. `SMTP_AllowSTARTTLS`, default No [DLINK] CONFIRMED: STARTTLS
 * is removed from the EHLO reply (the last kept line re-terminated as `250 `, INFERRED), and a client
 * STARTTLS sent anyway reaches the server as `XXXXXXXX` (INFERRED: the manuals do not say what the
 * ALG does with it). The ALG also removes the extensions it does not support, PIPELINING and CHUNKING
 * named [NetDefendOS manual §6.2.5]; the full list is not published. Knob `SMTP_AllowSTARTTLS yes`:
 * STARTTLS advertised and passed, and after the server's 220 the stream is not inspected. Each removal
 * is logged in the ALG's own words, one line per keyword (ID 00200185, DFL-860 Log Reference Guide).
 */
export const dlinkDfl: DeviceFamily = {
  name: 'dlink-dfl',
  title: 'D-Link DFL SMTP ALG (SMTP_AllowSTARTTLS No: STARTTLS removed; removes PIPELINING, CHUNKING)',
  examples: ['dlink-dfl'],
  cisco: false,
  build({ knobs: k }) {
    const allow = k.SMTP_AllowSTARTTLS === 'yes';
    const keywords = ['PIPELINING', 'CHUNKING', ...(allow ? [] : ['STARTTLS'])];
    const rules: RuleSpec[] = [{ name: 'remove-ehlo-parameter', options: { mode: 'remove', keywords, log: 'netdefendos' } }];
    if (!allow) rules.push({ name: 'mask-command', options: { allowed: [], denied: ['STARTTLS'] } });
    return { inspecting: true, rules };
  },
};
