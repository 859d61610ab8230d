import { isAbsolute, join, dirname, relative } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import type { PositionIndex } from './positions.js';
import type { ReceiverNode } from './schema.js';

/** One problem of a device string or configuration, as the firewall module reports it. */
export interface DeviceIssue {
  /** 1-based line in the config; 0 = the device string */
  line: number;
  col: number;
  message: string;
  hint?: string;
  on: 'device' | 'config';
  /** a warning (an unused policy map, an unknown command outside the SMTP modes): reported, the run goes on */
  warning?: boolean;
}

/** What a firewall does to an EHLO keyword and its command (the firewall module's `offerFacts`). */
export interface OfferFacts {
  /** a server's EHLO line with the keyword reaches the client as the server sent it */
  offers: boolean;
  /** a clear-text command with the verb is masked */
  masks: boolean;
  /** the ESMTP inspection map in force: its name and config line (0: built in) */
  map?: { name: string; line: number };
}

/**
 * A device checker injected by the caller (the firewall module), so `scenario` imports nothing internal.
 * With `offers` and `receiverOffers` it also answers what the offered-then-masked check (offer-check.ts) asks.
 */
export type DeviceChecker = ((device: string | undefined, config?: string) => DeviceIssue[]) & {
  /** what the device does to an EHLO keyword and a command verb (upper case); undefined when the device or config has errors */
  offers?: (device: string | undefined, config: string | undefined, keyword: string, verb: string) => OfferFacts | undefined;
  /** does this receiver node offer the EHLO keyword (upper case) before TLS */
  receiverOffers?: (node: ReceiverNode, keyword: string) => boolean;
};

/** A `config-file:` as loadScenario read it: its text, or why it could not be read. */
export interface ConfigFile {
  /** the path as the user can open it (the scenario's folder joined with the value) */
  path: string;
  text?: string;
  error?: { expected: string; got: string; hint?: string };
}

/** `config-file:` values (as written) → the files loadScenario read. */
export type ConfigFiles = Map<string, ConfigFile>;

/** A `config-file:` value resolved against the scenario file's folder. */
export function configFilePath(scenarioFile: string, value: string): string {
  const p = isAbsolute(value) ? value : join(dirname(scenarioFile), value);
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** Where a firewall node's configuration comes from. */
export type ConfigSource = { inline: string } | { file: string } | undefined;

export function configSource(node: { config?: string; 'config-file'?: string }): ConfigSource {
  if (node.config !== undefined) return { inline: node.config };
  if (node['config-file'] !== undefined) return { file: node['config-file'] };
  return undefined;
}

/** The text of a node's configuration (undefined: none, or a file that was not read). */
export function configText(src: ConfigSource, files: ConfigFiles | undefined): string | undefined {
  if (!src) return undefined;
  return 'inline' in src ? src.inline : files?.get(src.file)?.text;
}

/** What deviceDiagnostics reports into: the scenario file, its positions, the config files and the checker. */
export interface DeviceCtx {
  file: string;
  pos: PositionIndex;
  source: string;
  files?: ConfigFiles;
  checkDevice: DeviceChecker;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

const dotted = (base: PropertyKey[]) => base.map(String).join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');

/**
 * The device and config of a firewall node (`base` = its path), or of a matrix value (`mode: value`,
 * whose problems the node itself already has are not repeated). A config line's problem points into
 * the scenario (inline `config: |`) or into the config file (`config-file:`, its own line numbers).
 * `issues`: report these instead of the checker's (the offered-then-masked check places its warnings the same way).
 */
export function deviceDiagnostics(c: DeviceCtx, base: PropertyKey[], device: string | undefined, src: ConfigSource, mode: 'node' | 'value' = 'node', known: Set<string> = new Set(), issues?: DeviceIssue[]): void {
  const path = dotted(base);
  if (src && 'file' in src) {
    const f = c.files?.get(src.file);
    if (!f || f.error) {
      if (mode === 'node' || !known.has(`file:${src.file}`)) {
        const at = mode === 'node' ? [...base, 'config-file'] : base;
        const message = f?.error ? `expected ${f.error.expected}, got ${f.error.got}` : 'expected a config file read by loadScenario, got a scenario parsed from text (parseScenario cannot read files)';
        c.errors.push({ file: c.file, ...c.pos.at(at), path: mode === 'node' ? `${path}.config-file` : path, message, hint: f?.error?.hint ?? (f ? undefined : 'use loadScenario, or write the configuration inline as config:') });
      }
      known.add(`file:${src.file}`);
      return;
    }
  }
  const config = configText(src, c.files);
  const configLines = (config ?? '').split(/\r?\n/);
  for (const e of issues ?? c.checkDevice(device, config)) {
    const onConfig = e.on === 'config' && e.line > 0;
    const got = onConfig ? ` (got "${(configLines[e.line - 1] ?? '').trim()}")` : '';
    const key = `${onConfig ? e.line : 0}:${e.message}:${e.hint ?? ''}`;
    const out = e.warning ? c.warnings : c.errors;
    const severity = e.warning ? { severity: 'warning' as const } : {};
    if (mode === 'value') {
      if (known.has(key)) continue; // already reported for the node itself
      const where = onConfig ? `with ${device ?? 'its version line'}, config line ${e.line}: ` : '';
      out.push({ file: c.file, ...c.pos.at(base), path, message: `${where}${e.message}${got}`, hint: e.hint, ...severity });
    } else if (!onConfig) {
      const at = device !== undefined ? [...base, 'device'] : src && 'file' in src ? [...base, 'config-file'] : src ? [...base, 'config'] : base;
      out.push({ file: c.file, ...c.pos.at(at), path: `${path}.device`, message: e.message, hint: e.hint, ...severity });
    } else if (src && 'file' in src) {
      out.push({ file: c.files!.get(src.file)!.path, line: e.line, col: e.col, path: `${path}.config-file (line ${e.line})`, message: `${e.message}${got}`, hint: e.hint, ...severity });
    } else {
      const p = configPosition(c.pos, c.source, [...base, 'config'], e.line, e.col);
      out.push({ file: c.file, ...p, path: `${path}.config (line ${e.line})`, message: `${e.message}${got}`, hint: e.hint, ...severity });
    }
    known.add(key);
  }
}

/** Maps line/col inside a `config: |` block scalar to the file's line/col. */
function configPosition(pos: PositionIndex, source: string, path: PropertyKey[], line: number, col: number): { line: number; col: number } {
  const node = pos.node(path) as { range?: [number, number, number]; type?: string } | undefined;
  const start = node?.range?.[0];
  if (start === undefined) return pos.at(path);
  const at = pos.pos(start);
  if (node?.type !== 'BLOCK_LITERAL' && node?.type !== 'BLOCK_FOLDED') return at;
  const lines = source.split(/\r?\n/);
  const firstContent = at.line; // 0-based index of the line after the indicator
  const sample = lines.slice(firstContent).find((l) => l.trim() !== '') ?? '';
  const indent = sample.length - sample.trimStart().length;
  return { line: at.line + line, col: indent + col };
}
