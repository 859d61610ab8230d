import type { Dialect } from './dialect.js';
import type { IgnoredKind } from './ignored.js';
import type { CiscoConfig, ClassMap, ConfigError, ConfigWarning, EsmtpMap, Interface, MatchLine, PolicyClass, PolicyMap, RegexClass } from './model.js';
import type { Token } from './tokens.js';

/** A command of the mode, badly formed: where and why (becomes a ConfigError). */
export class Fail {
  constructor(
    readonly col: number,
    readonly message: string,
    readonly hint?: string,
  ) {}
}

export type Mode =
  | 'global'
  | 'pmap'
  | 'pmap-class'
  | 'class-map'
  | 'regex-class'
  | 'esmtp-map'
  | 'esmtp-params'
  | 'esmtp-match'
  | 'interface'
  | 'object-network'
  /** the sub-mode of an ignored command (`crypto ca trustpoint`, `group-policy … attributes`, …) */
  | 'block';

/** One open mode: where it was opened (its indentation) and what it edits. */
export interface Frame {
  mode: Mode;
  indent: number;
  /** the object the lines of this mode belong to (see ParseState.owner) */
  owner?: string;
  kind?: IgnoredKind;
  map?: EsmtpMap;
  match?: MatchLine;
  regexClass?: RegexClass;
  pmap?: PolicyMap;
  pclass?: PolicyClass;
  classMap?: ClassMap;
  iface?: Interface;
  object?: { name: string; host?: string };
}

/** One line as the handlers see it: its words (after `no`), position and text. */
export interface Line {
  raw: string;
  line: number;
  indent: number;
  neg: boolean;
  w: Token[];
  endCol: number;
}

/**
 * The parse in progress. Every non-comment line ends up classified: owned by an object (an interface,
 * a policy map, an ESMTP map …; applied when the object is in force at the end), applied at once, or
 * ignored by kind.
 */
export interface ParseState {
  config: CiscoConfig;
  dialect: Dialect;
  errors: ConfigError[];
  warnings: ConfigWarning[];
  /** line → object key, e.g. `esmtp-map:m`, `iface:Ethernet0/0`, `pmap:global_policy`, `class:global_policy/inspection_default` */
  owner: Map<number, string>;
  /** line → what it did, for lines in force whatever else the config says */
  applied: Map<number, string>;
  /** line → kind, for recognised lines that change nothing on the wire */
  ignored: Map<number, IgnoredKind | 'not in effect'>;
  /** `inspect esmtp NAME` lines: the map must exist */
  inspectRefs: { name: string; line: number; col: number }[];
  /** names the config refers to (for the unused-definition warnings) */
  used: { regex: Set<string>; regexClass: Set<string>; classMap: Set<string>; policyMap: Set<string> };
  /** inspect maps and inspect class maps of other protocols: where each is defined */
  defined: { inspectMaps: Map<string, number>; inspectClasses: Map<string, number> };
  /** `object network NAME` → its `host` address */
  objects: Map<string, string>;
  /** `object network NAME` holding a `subnet` or `range` (not one host) */
  networkObjects: Set<string>;
}

export type Handled = undefined | true | Fail | Frame;

export type Handler = (st: ParseState, frame: Frame, l: Line) => Handled;

export const INVALID = "% Invalid input detected at '^' marker.";

export const kw = (l: Line, i: number) => l.w[i]?.text.toLowerCase();
export const colAt = (l: Line, i: number) => l.w[i]?.col ?? l.endCol;
export const extra = (l: Line, i: number): Fail | undefined => (l.w.length > i ? new Fail(l.w[i].col, INVALID, 'nothing may follow here') : undefined);
