import type { Rule } from '../engine/types.js';
import { allowTls } from './allow-tls.js';
import { duplicateHeaderBug } from './duplicate-header-bug.js';
import { mailguardNoop } from './mailguard-noop.js';
import { maskBanner } from './mask-banner.js';
import { maskCommand } from './mask-command.js';
import { maskEhloParameter } from './mask-ehlo-parameter.js';
import { matchBodyLineLength } from './match-body-line-length.js';
import { matchCmdLineLength } from './match-cmd-line-length.js';
import { matchCmdRcptCount } from './match-cmd-rcpt-count.js';
import { matchHeaderLineLength } from './match-header-line-length.js';
import { matchMimeFilenameLength } from './match-mime-filename-length.js';
import { matchSenderAddressLength } from './match-sender-address-length.js';
import { matchCmdVerb } from './match-cmd-verb.js';
import { matchHeaderLength } from './match-header-length.js';
import { matchBodyLength } from './match-body-length.js';
import { matchHeaderToFieldsCount } from './match-header-to-fields-count.js';
import { matchMimeEncoding } from './match-mime-encoding.js';
import { matchInvalidRecipientsCount } from './match-invalid-recipients-count.js';
import { matchSenderAddressRegex } from './match-sender-address-regex.js';
import { matchMimeFiletypeRegex } from './match-mime-filetype-regex.js';
import { matchEhloReplyParameter } from './match-ehlo-reply-parameter.js';
import { specialCharacter } from './special-character.js';
import { mailRelay } from './mail-relay.js';
import { delay } from './delay.js';
import { bandwidth } from './bandwidth.js';
import { resetAfter } from './reset-after.js';
import { blackhole } from './blackhole.js';
import { breakTls } from './break-tls.js';
import { stripTlsReply } from './strip-tls-reply.js';
import type { RuleName } from './names.js';
import { removeEhloParameter } from './remove-ehlo-parameter.js';
import { replacePipe } from './replace-pipe.js';
import { splitEodDrop } from './split-eod-drop.js';

export type { RuleName } from './names.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RuleFactory = (options: any) => Rule<any>;

/** The rule table: key = rule name = file name. A `RuleName` without an entry does not compile. */
export const RULES = {
  'mask-banner': maskBanner,
  'mask-ehlo-parameter': maskEhloParameter,
  'remove-ehlo-parameter': removeEhloParameter,
  'mask-command': maskCommand,
  'mailguard-noop': mailguardNoop,
  'replace-pipe': replacePipe,
  'duplicate-header-bug': duplicateHeaderBug,
  'split-eod-drop': splitEodDrop,
  'allow-tls': allowTls,
  'match-cmd-line-length': matchCmdLineLength,
  'match-cmd-rcpt-count': matchCmdRcptCount,
  'match-header-line-length': matchHeaderLineLength,
  'match-body-line-length': matchBodyLineLength,
  'match-sender-address-length': matchSenderAddressLength,
  'match-mime-filename-length': matchMimeFilenameLength,
  'match-cmd-verb': matchCmdVerb,
  'match-header-length': matchHeaderLength,
  'match-body-length': matchBodyLength,
  'match-header-to-fields-count': matchHeaderToFieldsCount,
  'match-mime-encoding': matchMimeEncoding,
  'match-invalid-recipients-count': matchInvalidRecipientsCount,
  'match-sender-address-regex': matchSenderAddressRegex,
  'match-mime-filetype-regex': matchMimeFiletypeRegex,
  'match-ehlo-reply-parameter': matchEhloReplyParameter,
  'special-character': specialCharacter,
  'mail-relay': mailRelay,
  delay,
  bandwidth,
  'reset-after': resetAfter,
  blackhole,
  'break-tls': breakTls,
  'strip-tls-reply': stripTlsReply,
} satisfies { [K in RuleName]: RuleFactory };

export type RuleOptions<K extends RuleName> = Parameters<(typeof RULES)[K]>[0];

/** One configured rule: its name and options, JSON-serialisable. */
export type RuleSpec = { [K in RuleName]: { name: K; options: RuleOptions<K> } }[RuleName];

/** A rule spec as data (a profile read from JSON): the name is checked when the rule is made. */
export interface RuleSpecData {
  name: string;
  options?: unknown;
}

export function isRuleName(name: string): name is RuleName {
  return Object.hasOwn(RULES, name);
}

export function instantiate(spec: RuleSpecData): Rule<unknown> {
  if (!isRuleName(spec.name)) throw new Error(`no rule named "${spec.name}"`);
  const factory = RULES[spec.name] as RuleFactory;
  return factory(spec.options);
}
