import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { RunResult } from '../../model/result.js';
import type { ReporterFactory } from '../types.js';
import { writeReport } from '../write-report.js';
import { tar, type TarFile } from './bundle-tar.js';
import { sessionTranscript } from './bundle-transcript.js';
import { versions } from './bundle-versions.js';

export const BUNDLE_FILE = 'mxlab-bundle.tar.gz';

/**
 * Everything needed to look at a run elsewhere, as a list of archive entries: the scenario files
 * as run, result.json, versions.json, one transcript per session, and report.html.
 * `notes` says what could not be included (an unreadable scenario file).
 */
export async function bundleFiles(result: RunResult): Promise<{ files: TarFile[]; notes: string[] }> {
  const mtime = Math.floor((Date.parse(result.startedAt) || Date.now()) / 1000);
  const files: TarFile[] = [];
  const notes: string[] = [];
  const add = (name: string, data: Buffer | string) => files.push({ name, data, mtime });

  const scenarioNames = unique();
  for (const file of new Set(result.scenarios.map((s) => s.file))) {
    try {
      add(`scenarios/${scenarioNames(basename(file))}`, await readFile(resolve(file)));
    } catch (err) {
      notes.push(`scenario file ${file} not included: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  add('result.json', JSON.stringify(result, null, 2) + '\n');
  add('versions.json', JSON.stringify(await versions(result), null, 2) + '\n');

  const dirs = unique();
  for (const scenario of result.scenarios) {
    const sDir = dirs(basename(scenario.file, extname(scenario.file)));
    const runs = unique();
    for (const cell of scenario.cells) {
      const rDir = runs(cell.label || 'run');
      const messages = unique();
      for (const s of cell.sessions) add(`transcripts/${sDir}/${rDir}/${messages(s.message)}.txt`, sessionTranscript(s, cell, scenario, result));
    }
  }

  const html = await import('./html.js').catch(() => undefined);
  if (html) add('report.html', html.renderHtml(result));
  return { files, notes };
}

/** The bundle as gzip'd tar bytes. */
export async function buildBundle(result: RunResult): Promise<{ data: Buffer; notes: string[] }> {
  const { files, notes } = await bundleFiles(result);
  return { data: await promisify(gzip)(tar(files)), notes };
}

/** A path component from arbitrary text: safe characters only, no leading dot (so never `.`/`..`), at most 80 characters. */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._=+@-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 80) || '_';
}

/** safeName, plus `-2`, `-3` … for names already handed out by this generator. */
function unique(): (s: string) => string {
  const seen = new Set<string>();
  return (s) => {
    const base = safeName(s);
    let name = base;
    for (let i = 2; seen.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    seen.add(name.toLowerCase());
    return name;
  };
}

/** tar.gz of the run: mxlab-bundle.tar.gz under --out. */
export const bundle: ReporterFactory = Object.assign(
  (opts: Parameters<ReporterFactory>[0]) => ({
    async onRunEnd(result: RunResult) {
      const { data, notes } = await buildBundle(result);
      for (const n of notes) opts.stderr.write(`mxlab: bundle: ${n}\n`);
      await writeReport(opts, BUNDLE_FILE, data);
    },
  }),
  { capture: true },
);
