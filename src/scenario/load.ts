import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ScenarioError, type Diagnostic } from './diagnostics.js';
import { issuesToDiagnostics } from './issues.js';
import { PositionIndex } from './positions.js';
import { checkReferences, type DeviceChecker } from './references.js';
import { scenarioSchema, type Scenario } from './schema.js';

export interface LoadedScenario {
  file: string;
  source: string;
  scenario: Scenario;
  /** where each path of the file is */
  positions: PositionIndex;
  /** 1-based line of a path in the file, e.g. lineOf(['expect', 2]) */
  lineOf(path: readonly PropertyKey[]): number;
}

export interface LoadOptions {
  /** validates `device:`/`config:` (the firewall module's resolveDevice); without it devices are not checked */
  checkDevice?: DeviceChecker;
}

/** Reads and validates a scenario file; throws ScenarioError with every problem at once. */
export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<LoadedScenario> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ScenarioError([{ file, line: 1, col: 1, path: '', message: `expected a readable scenario file, got ${e.code ?? e.message}`, hint: 'check the path' }]);
  }
  return parseScenario(source, file, opts);
}

export function parseScenario(source: string, file: string, opts: LoadOptions = {}): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const pos = new PositionIndex(doc, lines);
  if (doc.errors.length) {
    throw new ScenarioError(
      doc.errors.map((e): Diagnostic => {
        const p = lines.linePos(e.pos[0]);
        return { file, line: p.line, col: p.col, path: '', message: `expected valid YAML, got ${yamlProblem(e.code, e.message)}`, hint: yamlHint(e.code) };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError([{ file, line: 1, col: 1, path: '', message: `expected a mapping with name, nodes, messages, expect, got ${data === null || data === undefined ? 'an empty file' : Array.isArray(data) ? 'a list' : typeof data}` }]);
  }
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const schemaErrors = issuesToDiagnostics(file, parsed.error.issues, pos, scenarioSchema as never, data);
    // Report broken references too, as far as the raw data allows: every error of a file at once.
    const seen = new Set(schemaErrors.map((d) => d.path));
    const refs = bestEffortReferences(file, data as Record<string, unknown>, pos, source, opts).filter((d) => !seen.has(d.path));
    throw new ScenarioError(sortDiagnostics([...schemaErrors, ...refs]));
  }
  const refs = checkReferences(file, parsed.data, pos, source, opts.checkDevice);
  if (refs.length) throw new ScenarioError(sortDiagnostics(refs));
  return { file, source, scenario: parsed.data, positions: pos, lineOf: (path) => pos.at(path).line };
}

function bestEffortReferences(file: string, raw: Record<string, unknown>, pos: PositionIndex, source: string, opts: LoadOptions): Diagnostic[] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const nodes = Object.fromEntries(Object.entries(isObj(raw.nodes) ? raw.nodes : {}).filter(([, n]) => isObj(n) && typeof n.role === 'string'));
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => (isObj(x) ? x : {})) : []);
  const shaped = { ...raw, nodes, messages: list(raw.messages), expect: list(raw.expect), matrix: isObj(raw.matrix) ? raw.matrix : undefined };
  try {
    return checkReferences(file, shaped as unknown as Scenario, pos, source, opts.checkDevice);
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
