/**
 * A pasted configuration as the admin saw it on the terminal. Captures of a console or SSH session
 * (PuTTY's session log, `script`, a copy from a web page) carry what the terminal drew over: the
 * pager's prompt (`<--- More --->` on ASA and PIX 7+, `<-- More -->` on PIX 6, ` --More-- ` on IOS)
 * and the carriage returns, backspaces and erase sequences that wiped it, the CLI prompt and the
 * command that printed the config (`asa# show running-config`). This module gives back the lines as
 * the screen showed them, one per line of the file (line numbers stay the file's), and says which
 * of them are the terminal's rather than the configuration's.
 */

/** The pager prompts of PIX 6 (`<-- More -->`), PIX 7 / ASA (`<--- More --->`) and IOS (`--More--`). */
const PAGER = /^\s*(?:<-{1,3}\s*More\s*-{1,3}>|-{2}\s*More\s*-{2})/i;

/** The CLI prompt: `hostname#`, `hostname>`, `hostname(config)#`, `asa/context#`, `asa/pri/act#`, then a command or nothing. */
const PROMPT = /^[A-Za-z0-9][\w.-]*(?:\/[\w.-]+)*(?:\([\w-]+\))?[#>](?:\s+|$)/;

/** The lines of a config text: `\n`, `\r\n` or (an old Mac file) `\r` alone end a line. */
export function configLines(text: string): string[] {
  const raw = text.includes('\n') ? text.split('\n') : text.split('\r');
  return raw.map(screenLine);
}

/**
 * One line as a terminal draws it: `\r` returns to column 1 and what follows overwrites, `\b` steps
 * back one column, `ESC [ … K` erases to the end of the line, other escape sequences and control
 * characters draw nothing; a trailing `\r` (of `\r\n`) changes nothing. A pager prompt left at the
 * start of the line (its erasing lost in the copy) is removed with the blanks that overwrote it.
 */
export function screenLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x08\x0b-\x1f\x7f]/.test(line)) return stripPager(line);
  const cells: string[] = [];
  let at = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\r') at = 0;
    else if (ch === '\b') at = Math.max(0, at - 1);
    else if (ch === '\t') cells[at++] = ch;
    else if (ch === '\x1b') {
      // CSI: ESC [ parameters final-byte; K erases from the cursor to the end of the line
      const m = /^\x1b\[[0-9;?]*([@-~])/.exec(line.slice(i));
      if (m) {
        if (m[1] === 'K') cells.length = Math.min(cells.length, at);
        i += m[0].length - 1;
      }
    } else if (ch >= ' ' && ch !== '\x7f') cells[at++] = ch;
  }
  return stripPager(Array.from(cells, (c) => c ?? ' ').join('').replace(/\s+$/, ''));
}

function stripPager(line: string): string {
  const m = PAGER.exec(line);
  if (!m) return line;
  const rest = line.slice(m[0].length);
  // the blanks that overwrote the prompt, then the line's own indentation
  const blanks = /^[ \t]*/.exec(rest)![0].length;
  return rest.slice(Math.min(blanks, m[0].length));
}

/** The pager prompt alone on its line (before `screenLine` removed it): the terminal's, not the config's. */
export function isPagerLine(raw: string): boolean {
  return PAGER.test(raw) && screenLine(raw).trim() === '';
}

/**
 * A line that starts with the CLI prompt. In exec mode (`asa# show running-config`, `pixfirewall#
 * write terminal`, `asa> enable`) the line is the terminal's; in a configuration mode (`asa(config)#
 * policy-map …`, `asa(config-pmap-p)# mask-banner`, as Cisco's guides print their examples) the
 * command after the prompt is configuration, read as if typed without it.
 */
export function promptOf(line: string): { exec: boolean; length: number } | undefined {
  const m = PROMPT.exec(line.trimStart());
  if (!m) return undefined;
  const lead = line.length - line.trimStart().length;
  return { exec: !/\(config[\w-]*\)#/i.test(m[0]), length: lead + m[0].length };
}
