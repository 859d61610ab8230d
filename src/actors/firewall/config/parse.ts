import type { Dialect } from './dialect.js';
import { ESMTP_COMMANDS, esmtpMapLine, esmtpMatchLine, esmtpParamsLine } from './esmtp-map.js';
import { finish } from './finish.js';
import { fixupCommand, regexDefinition, sysoptCommand, timeoutCommand } from './global.js';
import { IGNORED, isShowOutput } from './ignored.js';
import { interfaceCommand, interfaceLine, ipCommand, mailhostCommand, nameCommand, nameifCommand, natCommand, objectCommand, objectLine, staticCommand } from './interfaces.js';
import { emptyCiscoConfig, type CiscoConfig, type ConfigError, type ConfigWarning } from './model.js';
import { classMapCommand, classMapLine, factoryDefaults, policyClassLine, policyMapCommand, policyMapLine, regexClassModeLine, servicePolicyCommand } from './mpf.js';
import { mxlabLine } from './mxlab-lines.js';
import { Fail, INVALID, kw, type Frame, type Handled, type Handler, type Line, type Mode, type ParseState } from './state.js';
import { configLines, isPagerLine, promptOf } from './screen.js';
import { closest, tokenize } from './tokens.js';

export { INVALID };

/** The line that names the software: `ASA Version 9.12(4)18 <context>`, `PIX Version 6.3(5)`. */
export const VERSION_LINE = /^(ASA|PIX)\s+Version\s+(\S+)/i;

function globalLine(st: ParseState, _f: Frame, l: Line): Handled {
  switch (kw(l, 0)) {
    case 'policy-map':
      return policyMapCommand(st, l);
    case 'class-map':
      return classMapCommand(st, l);
    case 'service-policy':
      return servicePolicyCommand(st, l);
    case 'fixup':
      return fixupCommand(st, l);
    case 'regex':
      return regexDefinition(st, l);
    case 'timeout':
      return timeoutCommand(st, l);
    case 'sysopt':
      return sysoptCommand(st, l);
    case 'interface':
      return interfaceCommand(st, l);
    case 'nameif':
      return nameifCommand(st, l);
    case 'ip':
      return ipCommand(st, l);
    case 'name':
      return nameCommand(st, l);
    case 'static':
      return staticCommand(st, l);
    case 'mailhost':
      return mailhostCommand(st, l);
    case 'object':
      return objectCommand(st, l);
    case 'nat':
      return natCommand(st, l);
    case 'end':
    case 'exit':
      st.ignored.set(l.line, 'show output');
      return true;
  }
  return undefined;
}

const HANDLERS: Record<Mode, Handler> = {
  global: globalLine,
  pmap: policyMapLine,
  'pmap-class': policyClassLine,
  'class-map': classMapLine,
  'regex-class': regexClassModeLine,
  'esmtp-map': esmtpMapLine,
  'esmtp-params': esmtpParamsLine,
  'esmtp-match': esmtpMatchLine,
  interface: interfaceLine,
  'object-network': objectLine,
  block: () => undefined,
};

/** The commands of each mode the emulator reads, for "did you mean" hints. */
const COMMANDS: Partial<Record<Mode, readonly string[]>> = {
  global: ['policy-map', 'class-map', 'service-policy', 'fixup', 'regex', 'timeout', 'sysopt', 'interface', 'nameif', 'static', 'mailhost', 'object', 'nat', 'hostname', 'exit', 'end'],
  pmap: ['class', 'description', 'exit'],
  'pmap-class': ['inspect', 'set', 'police', 'exit'],
  'class-map': ['match', 'description', 'exit'],
  'regex-class': ['match', 'description', 'exit'],
  ...ESMTP_COMMANDS,
};

const SMTP_MODES: readonly Mode[] = ['esmtp-map', 'esmtp-params', 'esmtp-match', 'regex-class'];

/**
 * Parses a device configuration: a whole `show running-config` / `write terminal` (it has its version
 * line: what it does not define is not there) or commands typed on top of the factory default. Every
 * line is applied, or recognised and ignored (by kind); an unknown command inside an ESMTP policy map
 * is an error, an unknown one elsewhere a warning. Indentation says which mode a line belongs to; an
 * unindented line leaves the modes it does not fit (as the CLI does). All errors are collected.
 */
export function parseConfig(text: string, dialect: Dialect): { config: CiscoConfig; errors: ConfigError[]; warnings: ConfigWarning[] } {
  const config = emptyCiscoConfig();
  const file = text.includes('\n') ? text.split('\n') : text.split('\r');
  const lines = configLines(text);
  config.whole = lines.some((raw) => VERSION_LINE.test(raw.trim()));
  if (!config.whole && dialect.mpf) factoryDefaults(config);
  const st: ParseState = {
    config,
    dialect,
    errors: [],
    warnings: [],
    owner: new Map(),
    applied: new Map(),
    ignored: new Map(),
    inspectRefs: [],
    used: { regex: new Set(), regexClass: new Set(), classMap: new Set(), policyMap: new Set() },
    defined: { inspectMaps: new Map(), inspectClasses: new Map() },
    objects: new Map(),
    networkObjects: new Set(),
  };
  let stack: Frame[] = [{ mode: 'global', indent: -1 }];
  const byIndent = config.whole && lines.some((raw) => /^[ \t]+\S/.test(raw));
  lines.forEach((screen, i) => {
    const line = i + 1;
    let raw = screen;
    let trimmed = raw.trim();
    if (!trimmed) {
      // a pager prompt, or an erase sequence alone: the terminal's
      // eslint-disable-next-line no-control-regex
      if (isPagerLine(file[i]) || file[i].replace(/[\x00-\x1f\x7f]/g, '').trim()) {
        config.report.lines++;
        st.ignored.set(line, 'show output');
      }
      return;
    }
    config.report.lines++;
    const prompt = promptOf(raw);
    if (prompt) {
      // `asa# show running-config` is the terminal's; `asa(config-pmap)# parameters` is a command typed
      if (prompt.exec || prompt.length >= raw.length) return void st.ignored.set(line, 'show output');
      raw = ' '.repeat(prompt.length) + raw.slice(prompt.length);
      trimmed = raw.trim();
    }
    if (trimmed.startsWith('!') || trimmed.startsWith(':')) {
      const err = mxlabLine(raw, line, config);
      if (err) st.errors.push(err);
      else if (/^!\s*mxlab\s/i.test(trimmed)) st.applied.set(line, `mxlab ${trimmed.replace(/^!\s*mxlab\s+/i, '')}`);
      else config.report.comments++;
      return;
    }
    if (isShowOutput(trimmed)) return void st.ignored.set(line, 'show output');
    if (VERSION_LINE.test(trimmed)) {
      stack = [stack[0]];
      return void st.applied.set(line, `the device: ${dialect.label}`);
    }
    const toks = tokenize(raw);
    const neg = toks[0].text.toLowerCase() === 'no';
    const w = neg ? toks.slice(1) : toks;
    if (!w.length) return void st.errors.push({ line, col: toks[0].col + 2, message: INVALID, hint: '`no` must be followed by a command' });
    scanReferences(st, w.map((t) => t.text));
    // a command typed after a configuration prompt starts its line (the prompt names its mode)
    const l: Line = { raw, line, indent: prompt ? 0 : raw.length - raw.trimStart().length, neg, w, endCol: raw.length + 1 };
    // an indented line belongs to the innermost mode opened at a smaller indentation; in a whole
    // config (indented as the device prints it) an unindented line is a global command
    if (l.indent > 0 || byIndent) while (stack.length > 1 && stack[stack.length - 1].indent >= l.indent) stack.pop();
    const inside = stack[stack.length - 1];
    for (let d = stack.length - 1; d >= 0; d--) {
      const frame = stack[d];
      const r = HANDLERS[frame.mode](st, frame, l);
      if (r === undefined) {
        if (frame.mode === 'global') {
          const kind = IGNORED.get(w[0].text.toLowerCase());
          if (kind) {
            stack = [stack[0], { mode: 'block', indent: l.indent, kind }];
            st.ignored.set(line, kind);
            return;
          }
        }
        // indented under a mode: the line is that mode's, whether it knows it or not
        if (frame === inside && l.indent > 0 && frame.mode !== 'global') return unknownInMode(st, frame, l);
        continue;
      }
      stack = stack.slice(0, d + 1);
      if (r instanceof Fail) {
        st.errors.push({ line, col: r.col, message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
        return;
      }
      const owner = r === true ? frame.owner : (r.owner ?? frame.owner);
      if (!st.applied.has(line) && !st.ignored.has(line) && !st.owner.has(line)) {
        if (owner) st.owner.set(line, owner);
        else st.ignored.set(line, (r !== true && r.kind) || frame.kind || 'management');
      }
      if (r !== true) stack.push(r);
      return;
    }
    // a whole config pasted without its indentation: a line no mode knows, after a command whose
    // sub-mode mxlab does not read (an ignored block, an interface, a network object), is that sub-mode's
    const flat = config.whole && !byIndent && [...stack].reverse().find((f) => f.mode === 'block' || f.mode === 'interface' || f.mode === 'object-network');
    if (flat) return void st.ignored.set(line, flat.kind ?? (flat.mode === 'interface' ? 'interfaces' : 'objects'));
    unknownCommand(st, inside, l);
  });
  finish(st);
  for (const a of config.report.applied) a.text = lines[a.line - 1].trim();
  return { config, errors: st.errors, warnings: st.warnings };
}

/** Every name a line refers to (`class N`, `regex N`, `regex class N`, `inspect P MAP`, `service-policy N`), for the unused warnings. */
function scanReferences(st: ParseState, w: string[]): void {
  const k = w.map((x) => x.toLowerCase());
  if (k[0] === 'class' && w[1]) st.used.classMap.add(w[1]);
  if (k[0] === 'inspect' && w[2]) st.used.policyMap.add(w[2]);
  if (k[0] === 'service-policy' && w[1]) st.used.policyMap.add(w[1]);
  for (let i = 1; i < k.length; i++) {
    if (k[i] !== 'regex' || !w[i + 1]) continue;
    if (k[i + 1] === 'class' && w[i + 2]) st.used.regexClass.add(w[i + 2]);
    else st.used.regex.add(w[i + 1]);
  }
}

/** An indented line the mode it sits in does not know. */
function unknownInMode(st: ParseState, frame: Frame, l: Line): void {
  if (frame.mode === 'block' || frame.mode === 'object-network' || frame.mode === 'interface') {
    st.ignored.set(l.line, frame.kind ?? (frame.mode === 'interface' ? 'interfaces' : 'objects'));
    return;
  }
  const word = l.w[0].text.toLowerCase();
  const known = COMMANDS[frame.mode] ?? [];
  const near = closest(word, known);
  const hint = gateHint(word, st) ?? (near ? `did you mean \`${near}\`?` : `commands here: ${known.join(', ')}`);
  if (SMTP_MODES.includes(frame.mode) || near) st.errors.push({ line: l.line, col: l.w[0].col, message: INVALID, hint });
  else {
    st.ignored.set(l.line, 'not in effect');
    st.warnings.push({ line: l.line, col: l.w[0].col, message: `unknown ${frame.mode === 'pmap-class' ? 'policy-map class' : frame.mode} command "${l.w[0].text}", ignored`, hint });
  }
}

/** A line no mode takes: a typo (near a command mxlab knows) or a gated command is an error; anything else a warning. */
function unknownCommand(st: ParseState, inside: Frame, l: Line): void {
  const word = l.w[0].text.toLowerCase();
  const gate = gateHint(word, st);
  const local = COMMANDS[inside.mode] ?? [];
  const all = [...local, ...(inside.mode === 'global' ? [] : COMMANDS.global!), ...IGNORED.keys()];
  // a typo is at most 2 edits from a command mxlab knows (3 is too loose for a whole config's unknown commands)
  const near = word.length >= 4 ? closest(word, all, 2) : undefined;
  const typo = near !== undefined;
  if (gate || typo || (!st.config.whole && SMTP_MODES.includes(inside.mode))) {
    const hint = gate ?? (typo ? `did you mean \`${near}\`?` : `commands here: ${local.concat(inside.mode === 'global' ? [] : COMMANDS.global!).join(', ')}`);
    st.errors.push({ line: l.line, col: l.w[0].col, message: INVALID, hint });
    return;
  }
  st.ignored.set(l.line, 'not in effect');
  st.warnings.push({ line: l.line, col: l.w[0].col, message: `unknown command "${l.w[0].text}", ignored`, hint: 'mxlab does not know it; if it changes SMTP on the wire, please report it' });
}

/** Hints for commands that exist on other versions. */
function gateHint(word: string, st: ParseState): string | undefined {
  const d = st.dialect;
  if (word === 'allow-tls' && !d.allowTls) return `allow-tls first appeared in 7.2(3) and 8.0(3); ${d.label} does not have it`;
  if (word === 'inspect' && !d.mpf) return `${d.label} uses \`fixup protocol smtp 25\`; \`inspect esmtp\` came with 7.0`;
  if ((word === 'parameters' || word === 'mask-banner') && !d.inspectMaps) return `inspect policy maps came with 7.2(1); ${d.label} does not have them`;
  return undefined;
}
