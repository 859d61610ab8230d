import type { MatchAction } from '../engine/match-action.js';
import type { Faults } from '../devices/faults.js';
import type { Knobs } from '../devices/knobs.js';

/** An error in the `config:` text (or, with `line: 0`, in the `device:` string; `col` then indexes it). */
export interface ConfigError {
  /** 1-based line within the config text; 0 = the device string */
  line: number;
  /** 1-based column */
  col: number;
  message: string;
  hint?: string;
}

export type Criterion =
  | { kind: 'cmd-line-length'; gt: number }
  | { kind: 'cmd-rcpt-count'; gt: number }
  | { kind: 'cmd-verb'; verbs: string[] }
  | { kind: 'body-line-length'; gt: number }
  | { kind: 'body-length'; gt: number }
  | { kind: 'header-line-length'; gt: number }
  | { kind: 'header-length'; gt: number }
  | { kind: 'header-to-fields-count'; gt: number }
  | { kind: 'invalid-recipients-count'; gt: number }
  | ({ kind: 'mime-filetype-regex' } & RegexOperand)
  | { kind: 'mime-filename-length'; gt: number }
  | { kind: 'mime-encoding'; encodings: string[] }
  | ({ kind: 'sender-address-regex' } & RegexOperand)
  | { kind: 'sender-address-length'; gt: number }
  | { kind: 'ehlo-reply-parameter'; params: string[] };

/** The regex of a `match … regex` criterion. */
export interface RegexOperand {
  /** the name, `class NAME` or quoted inline pattern as written */
  regex: string;
  /** `class NAME`: the `class-map type regex` it names */
  class?: string;
  /** the regular expressions it stands for (a class's, once the config is read) */
  patterns?: string[];
  /** a `match-all` class: every pattern must match */
  all?: boolean;
}

/** `class-map type regex match-any|match-all NAME` and its `match regex NAME` lines. */
export interface RegexClass {
  name: string;
  all: boolean;
  /** regex names, in order */
  regexes: string[];
  line: number;
}

export interface MatchLine {
  criterion: Criterion;
  not: boolean;
  actions: MatchAction[];
  /** config line of the `match`, 0 for built-in defaults */
  line: number;
  /** the criterion as written, for logs */
  text: string;
}

/** One `policy-map type inspect esmtp NAME`. */
export interface EsmtpMap {
  name: string;
  maskBanner: boolean;
  allowTls: { on: boolean; log: boolean };
  specialCharacter?: MatchAction;
  /** `mail-relay DOMAIN action …`: recipients outside DOMAIN are relay attempts */
  mailRelay?: { domain: string; action: MatchAction };
  matches: MatchLine[];
}

export interface CiscoConfig {
  /** `[no] fixup protocol smtp 25` (PIX ≤ 6.3); line 0: the default (on) */
  fixupSmtp: { on: boolean; port: number; line: number };
  /** `[no] inspect esmtp [MAP]` under `policy-map global_policy` / `class inspection_default`; line 0: the default (on) */
  inspectEsmtp: { on: boolean; map?: string; line: number };
  maps: Map<string, EsmtpMap>;
  /** `regex NAME PATTERN` definitions (global mode) */
  regexes: Map<string, string>;
  /** `class-map type regex …` definitions (global mode) */
  regexClasses: Map<string, RegexClass>;
  knobs: Partial<Knobs>;
  /** `! mxlab fault NAME VALUE`: L4 faults after the device's rules */
  faults: Faults;
}

/** The map every 7.2(3)+/8.x/9.x device ships with. [ASA9FW] CONFIRMED. */
export function defaultEsmtpMap(): EsmtpMap {
  const m = (criterion: Criterion, text: string, kind: MatchAction['kind'], log: boolean): MatchLine => ({
    criterion,
    not: false,
    actions: [{ kind, log }],
    line: 0,
    text,
  });
  return {
    name: '_default_esmtp_map',
    maskBanner: true,
    allowTls: { on: false, log: false },
    matches: [
      m({ kind: 'cmd-line-length', gt: 512 }, 'cmd line length gt 512', 'drop-connection', true),
      m({ kind: 'cmd-rcpt-count', gt: 100 }, 'cmd RCPT count gt 100', 'drop-connection', true),
      m({ kind: 'body-line-length', gt: 998 }, 'body line length gt 998', 'log', false),
      m({ kind: 'header-line-length', gt: 998 }, 'header line length gt 998', 'drop-connection', true),
      m({ kind: 'sender-address-length', gt: 320 }, 'sender-address length gt 320', 'drop-connection', true),
      m({ kind: 'mime-filename-length', gt: 255 }, 'MIME filename length gt 255', 'drop-connection', true),
      m({ kind: 'ehlo-reply-parameter', params: ['others'] }, 'ehlo-reply-parameter others', 'mask', false),
    ],
  };
}

/** A fresh user-defined map: no parameters, no match lines (INFERRED). */
/** A config with nothing in it: what a device without `config:` reads. */
export function emptyCiscoConfig(): CiscoConfig {
  return { fixupSmtp: { on: true, port: 25, line: 0 }, inspectEsmtp: { on: true, line: 0 }, maps: new Map(), regexes: new Map(), regexClasses: new Map(), knobs: {}, faults: {} };
}

export function emptyEsmtpMap(name: string): EsmtpMap {
  return { name, maskBanner: false, allowTls: { on: false, log: false }, matches: [] };
}
