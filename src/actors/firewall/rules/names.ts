/**
 * Every rule name. Each name is a file in this folder and a key of the table in `index.ts`;
 * the table is typed with this union, so a name without an implementation does not compile.
 */
export type RuleName =
  | 'mask-banner'
  | 'mask-ehlo-parameter'
  | 'remove-ehlo-parameter'
  | 'mask-command'
  | 'mailguard-noop'
  | 'replace-pipe'
  | 'duplicate-header-bug'
  | 'split-eod-drop'
  | 'allow-tls'
  | 'match-cmd-line-length'
  | 'match-cmd-rcpt-count'
  | 'match-header-line-length'
  | 'match-body-line-length'
  | 'match-sender-address-length'
  | 'match-mime-filename-length'
  | 'match-cmd-verb'
  | 'match-header-length'
  | 'match-body-length'
  | 'match-header-to-fields-count'
  | 'match-mime-encoding'
  | 'match-invalid-recipients-count'
  | 'match-sender-address-regex'
  | 'match-mime-filetype-regex'
  | 'special-character'
  | 'mail-relay'
  | 'delay'
  | 'bandwidth'
  | 'reset-after'
  | 'blackhole';
