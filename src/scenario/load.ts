import { Composer, LineCounter, Parser, type CST, type Document } from 'yaml';
import { ScenarioError, type Diagnostic } from './diagnostics.js';
import { InputFileError, MAX_SCENARIO_BYTES, readInputFile, readTextFile } from './input-file.js';
import { issuesToDiagnostics } from './issues.js';
import { PositionIndex } from './positions.js';
import { checkReferences, type DeviceChecker } from './references.js';
import { configFilePath, type ConfigFiles } from './firewall-config.js';
import { checkMessageFiles, type MessageFiles } from './message-files.js';
import { checkGoldenPaths } from './golden-files.js';
import { LIMITS, scenarioSchema, type Scenario } from './schema.js';

export interface LoadedScenario {
  file: string;
  source: string;
  scenario: Scenario;
  /** where each path of the file is */
  positions: PositionIndex;
  /** 1-based line of a path in the file, e.g. lineOf(['expect', 2]) */
  lineOf(path: readonly PropertyKey[]): number;
  /** problems that do not stop a run (an unused policy map in a pasted config, …), positioned like errors */
  warnings: Diagnostic[];
  /** the `config-file:` files read (value as written → path and text) */
  configFiles: ConfigFiles;
}

export interface LoadOptions {
  /** validates `device:`/`config:` (the firewall module's resolveDevice); without it devices are not checked */
  checkDevice?: DeviceChecker;
  /** `config-file:` files already read (loadScenario reads them; parseScenario cannot) */
  files?: ConfigFiles;
  /** `eml:` files already checked (loadScenario reads them once; parseScenario cannot) */
  messageFiles?: MessageFiles;
}

/** Deepest nesting of mappings and lists a scenario may have (the format itself needs 6). */
export const MAX_DEPTH = 32;
/** Most aliases (`*name`) a scenario may use, and most nodes they may expand to. */
export const MAX_ALIASES = 100;

/** Reads and validates a scenario file; throws ScenarioError with every problem at once. */
export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<LoadedScenario> {
  let source: string;
  try {
    source = await readInputFile(file, 'scenario file', MAX_SCENARIO_BYTES);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    throw new ScenarioError([{ file, line: 1, col: 1, path: '', message: `expected ${err.expected}, got ${err.got}`, hint: err.hint }]);
  }
  return loadScenarioText(source, file, opts);
}

/** A scenario given as text that may name files (`config-file:`, `eml:`): read relative to `file`'s folder. */
export async function loadScenarioText(source: string, file: string, opts: LoadOptions = {}): Promise<LoadedScenario> {
  const doc = readYaml(source, file);
  const files = await readConfigFiles(file, doc.data);
  const messageFiles = await checkMessageFiles(file, doc.data);
  return validate(doc, source, file, { ...opts, files, messageFiles });
}

export function parseScenario(source: string, file: string, opts: LoadOptions = {}): LoadedScenario {
  return validate(readYaml(source, file), source, file, opts);
}

interface Yaml {
  data: Record<string, unknown>;
  pos: PositionIndex;
}

/** The `config-file:` values of the nodes and of matrix axes, read relative to the scenario (same limits as `config:`). */
async function readConfigFiles(file: string, data: Record<string, unknown>): Promise<ConfigFiles> {
  const values = new Set<string>();
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const n of Object.values(isObj(data.nodes) ? data.nodes : {})) if (isObj(n) && typeof n['config-file'] === 'string') values.add(n['config-file']);
  for (const [k, v] of Object.entries(isObj(data.matrix) ? data.matrix : {})) {
    if (k.endsWith('.config-file') && Array.isArray(v)) for (const x of v) if (typeof x === 'string') values.add(x);
  }
  const files: ConfigFiles = new Map();
  await addConfigFiles(file, [...values], files);
  return files;
}

/** Reads the `config-file:` values not read yet into `files` (a --matrix override names new ones). */
export async function addConfigFiles(file: string, values: readonly string[], files: ConfigFiles): Promise<void> {
  for (const value of values) {
    if (files.has(value) || value.length === 0 || value.length > LIMITS.path) continue; // the schema reports a bad value
    const path = configFilePath(file, value);
    try {
      files.set(value, { path, text: await readTextFile(path, 'device configuration', LIMITS.config) });
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      files.set(value, { path, error: { expected: err.expected, got: err.got, ...(err.hint ? { hint: err.hint } : {}) } });
    }
  }
}

function readYaml(source: string, file: string): Yaml {
  const at = (offset: number, message: string, hint?: string): ScenarioError => {
    const p = lines.linePos(offset);
    return new ScenarioError([{ file, line: p.line, col: p.col, path: '', message, hint }]);
  };
  const lines = new LineCounter();
  if (source.length > MAX_SCENARIO_BYTES) throw at(0, `expected a scenario of at most ${MAX_SCENARIO_BYTES.toLocaleString('en-US')} characters, got ${source.length.toLocaleString('en-US')}`);
  // The parser keeps its own stack; composing recurses per level (a few thousand levels exhaust
  // V8), so depth and aliases are checked on the syntax tree before anything is composed.
  const tokens = [...new Parser(lines.addNewLine).parse(source)];
  const shape = measure(tokens);
  if (shape.deepAt !== undefined) throw at(shape.deepAt, `expected mappings and lists nested at most ${MAX_DEPTH} deep, got deeper`, 'a scenario needs 6 levels; is this file generated?');
  if (shape.aliases.length > MAX_ALIASES) throw at(shape.aliases[MAX_ALIASES], `expected at most ${MAX_ALIASES} aliases (*name), got ${shape.aliases.length}`, 'write the values out, or use fewer anchors');
  let doc: Document.Parsed | undefined;
  for (const d of new Composer({ prettyErrors: false, uniqueKeys: true }).compose(tokens, true, source.length)) {
    if (!doc) doc = d;
    else {
      throw at(d.range[0], 'expected one YAML document, got a second one (after ---)', 'put each scenario in its own file');
    }
  }
  if (!doc) throw at(0, 'expected a mapping with name, nodes, messages, expect, got an empty file');
  const pos = new PositionIndex(doc, lines);
  if (doc.errors.length) {
    throw new ScenarioError(
      doc.errors.map((e): Diagnostic => {
        const p = lines.linePos(e.pos[0]);
        return { file, line: p.line, col: p.col, path: '', message: `expected valid YAML, got ${yamlProblem(e.code, e.message)}`, hint: yamlHint(e.code) };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // yaml's resource-exhaustion guard: aliases of aliases expand to more than MAX_ALIASES nodes each
    if (!/alias/i.test((err as Error).message)) throw err;
    throw at(shape.aliases[0] ?? 0, `expected aliases that expand to at most ${MAX_ALIASES} nodes each, got an alias expanding far more (an alias bomb)`, 'write the values out, or use fewer anchors');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError([{ file, line: 1, col: 1, path: '', message: `expected a mapping with name, nodes, messages, expect, got ${data === null || data === undefined ? 'an empty file' : Array.isArray(data) ? 'a list' : typeof data}` }]);
  }
  return { data: data as Record<string, unknown>, pos };
}

function validate({ data, pos }: Yaml, source: string, file: string, opts: LoadOptions): LoadedScenario {
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const schemaErrors = issuesToDiagnostics(file, parsed.error.issues, pos, scenarioSchema as never, data);
    // Report broken references too, as far as the raw data allows: every error of a file at once.
    const seen = new Set(schemaErrors.map((d) => d.path));
    const refs = bestEffortReferences(file, data, pos, source, opts).filter((d) => !seen.has(d.path) && d.severity !== 'warning');
    throw new ScenarioError(sortDiagnostics([...schemaErrors, ...refs]));
  }
  const refs = [...checkReferences(file, parsed.data, pos, source, opts.checkDevice, opts.files, opts.messageFiles), ...checkGoldenPaths(file, parsed.data, pos)];
  const errors = refs.filter((d) => d.severity !== 'warning');
  if (errors.length) throw new ScenarioError(sortDiagnostics(errors));
  const warnings = sortDiagnostics(refs.filter((d) => d.severity === 'warning'));
  return { file, source, scenario: parsed.data, positions: pos, lineOf: (path) => pos.at(path).line, warnings, configFiles: opts.files ?? new Map() };
}

function bestEffortReferences(file: string, raw: Record<string, unknown>, pos: PositionIndex, source: string, opts: LoadOptions): Diagnostic[] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const nodes = Object.fromEntries(Object.entries(isObj(raw.nodes) ? raw.nodes : {}).filter(([, n]) => isObj(n) && typeof n.role === 'string'));
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => (isObj(x) ? x : {})) : []);
  const shaped = { ...raw, nodes, messages: list(raw.messages), expect: list(raw.expect), matrix: isObj(raw.matrix) ? raw.matrix : undefined };
  try {
    return checkReferences(file, shaped as unknown as Scenario, pos, source, opts.checkDevice, opts.files, opts.messageFiles);
  } catch {
    return [];
  }
}

function sortDiagnostics(d: Diagnostic[]): Diagnostic[] {
  return d.sort((a, b) => a.line - b.line || a.col - b.col);
}

function yamlProblem(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
  return `${code.toLowerCase().replace(/_/g, ' ')} (${first})`;
}

function yamlHint(code: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'each key may appear once per mapping';
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR') return 'check the indentation and the : after each key';
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  return undefined;
}

/** Walks the concrete syntax tree without recursion: the first collection deeper than MAX_DEPTH, and every alias. */
function measure(tokens: CST.Token[]): { deepAt?: number; aliases: number[] } {
  const aliases: number[] = [];
  const stack: [CST.Token | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [t, depth] = stack.pop()!;
    if (!t) continue;
    switch (t.type) {
      case 'document':
        stack.push([t.value, depth]);
        break;
      case 'alias':
        aliases.push(t.offset);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth >= MAX_DEPTH) return { deepAt: t.offset, aliases };
        for (const it of t.items) {
          const item = it as { key?: CST.Token | null; value?: CST.Token };
          if (item.key) stack.push([item.key, depth + 1]);
          stack.push([item.value, depth + 1]);
        }
        break;
      }
      default:
    }
  }
  aliases.sort((a, b) => a - b);
  return { aliases };
}
