import { regexTest } from '../config/regex.js';
import { printable } from '../engine/bytes.js';
import { verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import { fieldLineHeads } from '../engine/field-lines.js';

export interface RegexMatchOptions {
  /** the regex name, `class NAME` or quoted inline pattern as configured, for the log line */
  name: string;
  /** the ASA regular expressions (JS syntax is the same for what the ASA has): one, or a regex class's */
  patterns: string[];
  /** a `class-map type regex match-all` class: every pattern must match (else any one) */
  all?: boolean;
  /** `match not …`: act on what does NOT match */
  not?: boolean;
  action: MatchAction;
}

const NAME = Buffer.from('content-type', 'latin1');

/** The media type of a `Content-Type:` line head (`type/subtype`, as written), or undefined. */
export function mediaType(head: string): string | undefined {
  return /^content-type\s*:\s*([^\s;]+)/i.exec(head)?.[1];
}

/**
 * `match [not] mime filetype regex NAME` — the `type/subtype` of each `Content-Type:` line, in the
 * message header and in MIME part headers in the body, tested against the regex (unanchored,
 * case-sensitive, like the ASA). [ASA9FW] CONFIRMED criterion; what "file type" is tested is INFERRED.
 */
export function matchMimeFiletypeRegex(o: RegexMatchOptions): Rule {
  const test = regexTest(o.patterns, o.all);
  const criterion = `${o.not ? 'not ' : ''}mime filetype regex ${o.name}`;
  return {
    name: 'match-mime-filetype-regex',
    bodySegments: 'view',
    onClientSegment(seg, _st, ctx) {
      for (const head of fieldLineHeads(seg, NAME)) {
        const type = mediaType(head);
        if (type === undefined || test(type) === !!o.not) continue;
        return verdictFor(o.action, ctx, 'match-mime-filetype-regex', criterion, `MIME type ${printable(type, 80)}`);
      }
      return PASS;
    },
  };
}
