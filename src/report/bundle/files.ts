import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { RunResult } from '../../model/result.js';
import { renderHtml } from '../html/page.js';
import { unique } from '../names.js';
import { resultJson } from '../serialise.js';
import { pcapFiles } from '../pcap/files.js';
import { cellScenarioYaml } from './cell-scenario.js';
import { BUNDLE_ROOT, MANIFEST, RANDOM, type BundleManifest, type BundleRun } from './manifest.js';
import { bundleReadme } from './readme.js';
import type { TarFile } from './tar.js';
import { sessionTranscript } from './transcript.js';
import { versions } from './versions.js';

export const BUNDLE_FILE = 'mxlab-bundle.tar.gz';

/**
 * Everything needed to look at a run elsewhere and run it again, as archive members under
 * `mxlab-bundle/`: README.txt, manifest.json, versions.json, result.json, report.html, the
 * scenario files as given, one standalone scenario per run (runs/…/scenario.yaml, with the golden
 * files it names), one transcript per session, and when the run recorded the wire, one pcap per
 * hop and message with keylog.txt. `notes` says what could not be included.
 */
export async function bundleFiles(result: RunResult): Promise<{ files: TarFile[]; notes: string[] }> {
  const mtime = Math.floor((Date.parse(result.startedAt) || Date.now()) / 1000);
  const files: TarFile[] = [];
  const notes: string[] = [];
  const add = (name: string, data: Buffer | string) => files.push({ name: `${BUNDLE_ROOT}/${name}`, data, mtime });

  const captured = pcapFiles(result);
  add('README.txt', bundleReadme(result, BUNDLE_FILE, captured.length > 0));
  const runs: BundleRun[] = [];
  const manifest: BundleManifest = { format: 'mxlab-bundle', version: 1, mxlab: result.mxlab, startedAt: result.startedAt, ...(result.command ? { command: result.command } : {}), random: RANDOM, runs };
  const manifestAt = files.length;

  const scenarioNames = unique();
  for (const file of new Set(result.scenarios.map((s) => s.file))) {
    try {
      add(`scenarios/${scenarioNames(basename(file))}`, await readFile(resolve(file)));
    } catch (err) {
      notes.push(`scenario file ${file} not included: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  add('result.json', resultJson(result));
  add('versions.json', JSON.stringify(await versions(result), null, 2) + '\n');

  const dirs = unique();
  for (const [si, scenario] of result.scenarios.entries()) {
    const sDir = dirs(basename(scenario.file, extname(scenario.file)));
    const runDirs = unique();
    for (const [ci, cell] of scenario.cells.entries()) {
      const rDir = runDirs(cell.label || 'run');
      const run: BundleRun = { file: scenario.file, name: scenario.name, runtime: scenario.runtime, label: cell.label, cell: cell.cell, result: [si, ci] };
      // files the scenario names (golden transcripts), next to the run's scenario
      const renamed = new Map<string, string>();
      const goldenNames = unique();
      for (const e of cell.scenario?.expect ?? []) {
        const golden = (e as { golden?: unknown }).golden;
        if (typeof golden !== 'string' || renamed.has(golden)) continue;
        const inBundle = `golden/${goldenNames(basename(golden))}`;
        try {
          add(`runs/${sDir}/${rDir}/${inBundle}`, await readFile(resolve(dirname(scenario.file), golden)));
          renamed.set(golden, inBundle);
        } catch (err) {
          notes.push(`golden file ${golden} of ${scenario.file} not included: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      // the pasted configs and real messages its nodes and messages name, the same way
      const inputNames = unique();
      const inputs = [
        ...Object.values(cell.scenario?.nodes ?? {}).map((n) => (n as { 'config-file'?: unknown })['config-file']),
        ...(cell.scenario?.messages ?? []).map((m) => (m as { eml?: unknown }).eml),
      ];
      for (const f of inputs) {
        if (typeof f !== 'string' || renamed.has(f)) continue;
        const inBundle = `files/${inputNames(basename(f))}`;
        try {
          add(`runs/${sDir}/${rDir}/${inBundle}`, await readFile(resolve(dirname(scenario.file), f)));
          renamed.set(f, inBundle);
        } catch (err) {
          notes.push(`file ${f} of ${scenario.file} not included: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      // a real MTA's build: context (its Dockerfile and files), folder and all, executable bits kept
      for (const n of Object.values(cell.scenario?.nodes ?? {})) {
        const b = (n as { build?: unknown }).build;
        if (typeof b !== 'string' || renamed.has(b)) continue;
        const inBundle = `files/${inputNames(basename(resolve(dirname(scenario.file), b)) || 'build')}`;
        try {
          for (const f of await contextFiles(resolve(dirname(scenario.file), b))) files.push({ name: `${BUNDLE_ROOT}/runs/${sDir}/${rDir}/${inBundle}/${f.rel}`, data: f.data, mode: f.mode, mtime });
          renamed.set(b, inBundle);
        } catch (err) {
          notes.push(`build context ${b} of ${scenario.file} not included: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      const yaml = cellScenarioYaml(scenario, cell, renamed);
      if (yaml) {
        run.scenario = `runs/${sDir}/${rDir}/scenario.yaml`;
        add(run.scenario, yaml);
      } else notes.push(`run ${scenario.file}${cell.label ? ` [${cell.label}]` : ''} has no recorded scenario: it cannot be replayed`);
      runs.push(run);
      const messages = unique();
      for (const s of cell.sessions) add(`transcripts/${sDir}/${rDir}/${messages(s.message)}.txt`, sessionTranscript(s, cell, scenario, result));
    }
  }
  add('report.html', renderHtml(result));
  for (const f of captured) add(f.name, f.data);
  files.splice(manifestAt, 0, { name: `${BUNDLE_ROOT}/${MANIFEST}`, data: JSON.stringify(manifest, null, 2) + '\n', mtime });
  return { files, notes };
}

/** A build context's files at most: a Dockerfile and the few files it copies, not a source tree. */
const CONTEXT_LIMIT = { files: 1000, bytes: 64 * 1024 * 1024 };

/** The regular files of a build context, relative, with their modes (0755 when executable); links and other kinds refused. */
async function contextFiles(dir: string): Promise<{ rel: string; data: Buffer; mode: number }[]> {
  const out: { rel: string; data: Buffer; mode: number }[] = [];
  let bytes = 0;
  const walk = async (rel: string): Promise<void> => {
    const path = rel ? `${dir}/${rel}` : dir;
    const st = await lstat(path);
    if (st.isDirectory()) {
      for (const e of (await readdir(path)).sort()) await walk(rel ? `${rel}/${e}` : e);
      return;
    }
    if (!st.isFile()) throw new Error(`${rel} is not a regular file (links are not bundled)`);
    if (out.length >= CONTEXT_LIMIT.files || (bytes += st.size) > CONTEXT_LIMIT.bytes) throw new Error(`more than ${CONTEXT_LIMIT.files} files or ${CONTEXT_LIMIT.bytes >> 20} MiB`);
    out.push({ rel, data: await readFile(path), mode: st.mode & 0o111 ? 0o755 : 0o644 });
  };
  await walk('');
  return out;
}
