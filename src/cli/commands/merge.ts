import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CODE, exitOf, MxlabError } from '../../errors.js';
import type { RunResult } from '../../model/result.js';
import { reporters } from '../../report/index.js';
import { mergeResults } from '../../report/merge.js';
import { readInputFile } from '../../scenario/input-file.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { sayWhere, setUpReporters } from './run.js';

/** Largest result.json read. */
const MAX_RESULT_BYTES = 512 * 1024 * 1024;
/** How deep folders are searched for result.json (CI artifact downloads nest a folder or two). */
const MAX_DEPTH = 6;

export const merge: Command = {
  name: 'merge',
  usage: `mxlab merge PATH… [options]

  Joins the result.json files of a sharded run (mxlab run --shard I/N --reporter json on N workers)
  into one report, as if one worker had run everything: each scenario's runs in matrix order, the
  summary counted again; says when a shard is missing or given twice.

  PATH                  result.json files, or folders to search for them (e.g. downloaded CI artifacts)
  --reporter LIST       console (default), json, junit, html; comma-separated
  --out DIR             where file reports go (default ./mxlab-report/)

exit codes: 0 every expectation held, 1 an expectation failed, 2 not a result.json or usage, 3 a run broke (environment)`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { reporter: { type: 'string', default: 'console' }, out: { type: 'string' } } });
    if (!positionals.length) throw new UsageError('expected result.json files or folders holding them');
    const names = values.reporter.split(',').map((s) => s.trim()).filter(Boolean);
    const allowed = ['console', 'json', 'junit', 'html'];
    for (const n of names) if (!allowed.includes(n) || !(n in reporters)) throw new UsageError(`unknown reporter "${n}" for merge: expected some of ${allowed.join(', ')}`);

    const files: string[] = [];
    for (const p of positionals) files.push(...(await resultFiles(p)));
    if (!files.length) throw new UsageError(`Failed to find result.json under ${positionals.join(', ')}. Did you run mxlab run --reporter json (it writes result.json under --out)?`);
    const parts: RunResult[] = [];
    for (const f of files) parts.push(parseResult(f, await readInputFile(f, 'mxlab result (result.json)', MAX_RESULT_BYTES)));

    const { result, notes } = mergeResults(parts, ['mxlab', 'merge', ...args]);
    for (const n of notes) io.stderr.write(`mxlab merge: ${n}\n`);
    const { reporter, written, owner } = setUpReporters(names, values.out, io);
    reporter.onRunStart({ runtime: [...new Set(result.scenarios.map((s) => s.runtime))].join(', ') || 'local', scenarios: result.scenarios.map((s) => ({ file: s.file, name: s.name, cells: s.cells.length })) });
    for (const s of result.scenarios) for (const c of s.cells) reporter.onCellEnd({ file: s.file, name: s.name, label: c.label }, c, s);
    await reporter.onRunEnd(result);
    sayWhere(written(), owner === 'console' ? io.stdout : io.stderr);
    io.stderr.write(`mxlab merge: ${parts.length} part${parts.length === 1 ? '' : 's'}: ${files.join(', ')}\n`);
    const errorExit = Math.max(0, ...result.scenarios.flatMap((s) => s.cells).map((c) => (c.error ? exitOf(c.error) : 0)));
    if (errorExit) return errorExit;
    return result.ok ? EXIT.ok : EXIT.failed;
  },
};

/** A file as given; a folder searched for result.json files (sorted, at most MAX_DEPTH deep). */
async function resultFiles(path: string, depth = 0): Promise<string[]> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new UsageError(`Failed to find ${path}: no such file or folder. Did you mean the folder the shards' artifacts were downloaded to?`);
  if (!st.isDirectory()) return [path];
  if (depth >= MAX_DEPTH) return [];
  const out: string[] = [];
  for (const e of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory()) out.push(...(await resultFiles(join(path, e.name), depth + 1)));
    else if (e.isFile() && e.name === 'result.json') out.push(join(path, e.name));
  }
  return out;
}

/** The parts of a RunResult merge reads, checked: anything else is not an mxlab result. */
function parseResult(file: string, text: string): RunResult {
  const fail = (got: string) => new MxlabError(CODE.INPUT_FILE, `Failed to read ${file}: expected an mxlab result.json (mxlab run --reporter json), got ${got}.`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw fail(`invalid JSON (${(err as Error).message})`);
  }
  const r = v as RunResult;
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(r) || typeof r.mxlab !== 'string' || !Array.isArray(r.scenarios)) throw fail(isObj(r) ? 'an object without mxlab and scenarios' : Array.isArray(v) ? 'a list' : typeof v);
  for (const s of r.scenarios) {
    if (!isObj(s) || typeof s.file !== 'string' || typeof s.name !== 'string' || !Array.isArray(s.cells)) throw fail('a scenario without file, name or cells');
    for (const c of s.cells) if (!isObj(c) || typeof c.label !== 'string' || !Array.isArray(c.expectations) || !Array.isArray(c.sessions)) throw fail(`a run of ${s.file} without label, expectations or sessions`);
  }
  return r;
}
