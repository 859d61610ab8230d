import type { Product } from './version.js';

/**
 * The release table: every PIX and ASA train from PIX 4.0 to ASA 9.22, in order. A row holds from
 * its `from` release up to the next row of the same product; a train starts with a row whose
 * `from` has no parentheses (`7.2` = its first release). The families read everything that
 * differs between releases from here (family, config dialect, defects, Mailguard's banner), so a
 * new release is one row. Evidence and sources of each claim: docs/devices.md (source keys in
 * brackets).
 */

/** The Cisco device families (devices/<name>.ts). */
export type CiscoFamilyName = 'pix-mailhost' | 'pix-mailguard' | 'asa-inspect-classic' | 'asa-default-map';

/** Which configuration commands a release has (config/dialect.ts). */
export type DialectName = 'fixup' | 'mpf' | 'mpf-maps' | 'mpf-maps-tls';

export type DefectName = 'duplicate-header' | 'split-eod';

export interface ReleaseRow {
  product: Product;
  /** first release of the row; `7.2` = the first release of the 7.2 train */
  from: string;
  family: CiscoFamilyName;
  dialect: DialectName;
  /** defects of these releases */
  defects: readonly DefectName[];
  /** defects this row's first release fixed */
  fixes?: readonly DefectName[];
  /** Mailguard's banner: `alternate` (every other character masked), `digits` (all but 2 and 0 masked) */
  banner?: 'alternate' | 'digits';
  /** what changes at this row, with source keys */
  note: string;
}

/** The defects, what they do and how sure we are (rules/duplicate-header-bug.ts, rules/split-eod-drop.ts). */
export const DEFECTS: Record<DefectName, { rule: 'duplicate-header-bug' | 'split-eod-drop'; text: string; evidence: string }> = {
  'duplicate-header': {
    rule: 'duplicate-header-bug',
    text: 'a header section with a duplicated header, or a DKIM-Signature / DomainKey-Signature whose h= names another header, ends the connection in DATA (fixed in 7.2(2.19) and 8.0(2.7), cited as 7.2(3))',
    evidence: 'CONFIRMED [ESA118550, HEISE]; RST or silent close INFERRED (knob duplicate-header-action)',
  },
  'split-eod': {
    rule: 'split-eod-drop',
    text: 'an end of data (CRLF.CRLF) split across TCP segments is dropped, the sender times out and sends again (duplicates)',
    evidence: 'CONFIRMED [MS-295725] for Mailguard, releases not named ("fixed in later releases"): off unless knob split-eod-drop on',
  },
};

const MAILGUARD: readonly DefectName[] = ['duplicate-header', 'split-eod'];
const DUP: readonly DefectName[] = ['duplicate-header'];
const NONE: readonly DefectName[] = [];

const pix = (from: string, r: Omit<ReleaseRow, 'product' | 'from'>): ReleaseRow => ({ product: 'pix', from, ...r });
const asa = (from: string, r: Omit<ReleaseRow, 'product' | 'from'>): ReleaseRow => ({ product: 'asa', from, ...r });
const mailhost = (note: string) => ({ family: 'pix-mailhost', dialect: 'fixup', defects: DUP, banner: 'alternate', note }) as const;
const mailguard = (banner: 'alternate' | 'digits', note: string) => ({ family: 'pix-mailguard', dialect: 'fixup', defects: MAILGUARD, banner, note }) as const;
const classic = (dialect: DialectName, note: string) => ({ family: 'asa-inspect-classic', dialect, defects: DUP, note }) as const;
const fixed = (note: string) => ({ family: 'asa-inspect-classic', dialect: 'mpf-maps', defects: NONE, fixes: DUP, note }) as const;
const defaultMap = (note: string) => ({ family: 'asa-default-map', dialect: 'mpf-maps-tls', defects: NONE, note }) as const;

export const RELEASES: readonly ReleaseRow[] = [
  pix('4.0', mailhost('mailhost: the firewall answers verbs other than HELO MAIL RCPT DATA RSET NOOP QUIT itself [C-4733]')),
  pix('4.1', mailhost('mailhost, as 4.0 [C-4733]')),
  pix('4.2', mailguard('alternate', 'Mailguard (fixup protocol smtp 25): seven verbs, no ESMTP [C-MG, MS-295725]')),
  pix('4.3', mailguard('alternate', 'Mailguard, as 4.2')),
  pix('4.4', mailguard('alternate', 'Mailguard; banner with every other character masked [MS-295725, AGILE]')),
  pix('5.0', mailguard('alternate', 'Mailguard, banner as 4.4 (INFERRED: the change is dated 5.1)')),
  pix('5.1', mailguard('digits', 'Mailguard; banner: every character but 2 and 0 masked [MS-295725, AGILE]')),
  pix('5.2', mailguard('digits', 'Mailguard, as 5.1')),
  pix('5.3', mailguard('digits', 'Mailguard, as 5.1')),
  pix('6.0', mailguard('digits', 'Mailguard, as 5.1')),
  pix('6.1', mailguard('digits', 'Mailguard, as 5.1')),
  pix('6.2', mailguard('digits', 'Mailguard, as 5.1')),
  pix('6.3', mailguard('digits', 'Mailguard, the last fixup release [C-MG, NSP04]')),
  pix('7.0', classic('mpf', 'inspect esmtp under the Modular Policy Framework: 15-verb allow-list, banner and EHLO masked [ASA70]')),
  pix('7.1', classic('mpf', 'inspect esmtp, as 7.0')),
  pix('7.2', classic('mpf-maps', 'policy-map type inspect esmtp and regex [ASA72]')),
  pix('7.2(2.19)', fixed('interim build with the duplicate-header fix [ESA118550]')),
  pix('7.2(3)', defaultMap('_default_esmtp_map and allow-tls [CSM44, ASA9FW]')),
  pix('8.0', classic('mpf-maps', 'inspect esmtp as 7.2(2): no allow-tls, duplicate-header defect [ESA118550]')),
  pix('8.0(2.7)', fixed('interim build with the duplicate-header fix [ESA118550]')),
  pix('8.0(3)', defaultMap('_default_esmtp_map and allow-tls; the last PIX train [CSM44]')),
  asa('7.0', classic('mpf', 'first ASA release: inspect esmtp, 15-verb allow-list, banner and EHLO masked [ASA70]')),
  asa('7.1', classic('mpf', 'inspect esmtp, as 7.0')),
  asa('7.2', classic('mpf-maps', 'policy-map type inspect esmtp and regex [ASA72]')),
  asa('7.2(2.19)', fixed('interim build with the duplicate-header fix [ESA118550]')),
  asa('7.2(3)', defaultMap('_default_esmtp_map and allow-tls [CSM44, ASA9FW]')),
  asa('8.0', classic('mpf-maps', 'inspect esmtp as 7.2(2): no allow-tls, duplicate-header defect [ESA118550]')),
  asa('8.0(2.7)', fixed('interim build with the duplicate-header fix [ESA118550]')),
  asa('8.0(3)', defaultMap('_default_esmtp_map and allow-tls [CSM44]')),
  asa('8.1', defaultMap('_default_esmtp_map (ASA 5580)')),
  asa('8.2', defaultMap('_default_esmtp_map; static/global/nat NAT')),
  asa('8.3', defaultMap('_default_esmtp_map; object NAT, real addresses in access lists [ASA83MIG]')),
  asa('8.4', defaultMap('_default_esmtp_map')),
  asa('8.5', defaultMap('_default_esmtp_map (ASA Services Module)')),
  asa('8.6', defaultMap('_default_esmtp_map (ASA 5500-X)')),
  asa('8.7', defaultMap('_default_esmtp_map (ASA 1000V)')),
  asa('9.0', defaultMap('_default_esmtp_map [ASA90]')),
  ...['9.1', '9.2', '9.3', '9.4', '9.5', '9.6', '9.7', '9.8', '9.9', '9.10'].map((t) => asa(t, defaultMap('_default_esmtp_map [ASA9FW]'))),
  // there is no 9.11 and no 9.21: Cisco went from 9.10 to 9.12 and from 9.20 to 9.22
  ...['9.12', '9.13', '9.14', '9.15', '9.16', '9.17', '9.18', '9.19', '9.20', '9.22'].map((t) => asa(t, defaultMap('_default_esmtp_map [ASA9FW]'))),
];
