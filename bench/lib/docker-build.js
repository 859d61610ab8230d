/**
 * The docker bench's code snapshot and cold image builds.
 *
 * Snapshot: bin/, dist/, containers/ and package files copied to a temp dir (node_modules and the
 * cached Node tarball linked), so the CLI the bench runs hashes the same node image all along even
 * when dist/ is rebuilt during the bench; the image tags it computes are the real tree's.
 *
 * Cold builds: `docker build --no-cache` (legacy builder) of a build context into a throwaway
 * `mxlab-bench/NAME:cold` tag, timed step by step from the build's own output, then removed
 * (with its layers). The real `mxlab/*` tags are never touched.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sh, timedRun } from './docker-cli.js';

export async function makeSnapshot(root) {
  const dir = await mkdtemp(join(os.tmpdir(), 'mxlab-bench-'));
  for (const p of ['bin', 'dist', 'containers']) await cp(join(root, p), join(dir, p), { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) if (existsSync(join(root, f))) await cp(join(root, f), join(dir, f));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const cache = join(root, '.mxlab', 'cache');
  await mkdir(join(dir, '.mxlab', 'cache'), { recursive: true });
  if (existsSync(cache)) {
    for (const f of await readdir(cache)) if (f.endsWith('.tgz')) await symlink(join(cache, f), join(dir, '.mxlab', 'cache', f));
  }
  const imp = (rel) => import(pathToFileURL(join(dir, 'dist', rel)).href);
  return { dir, cli: join(dir, 'bin', 'mxlab.js'), imp, remove: () => rm(dir, { recursive: true, force: true }) };
}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;

/** Step-by-step times of a legacy-builder log with timestamped lines (ms since spawn). */
export function buildSteps(lines, totalMs) {
  const steps = [];
  let uploadMs = 0;
  let fetched;
  for (const { t, text } of lines) {
    const m = STEP.exec(text.trim());
    if (m) {
      if (!steps.length) uploadMs = t;
      steps.push({ n: Number(m[1]), what: m[3], t });
    }
    const f = /^Fetched (.+) in (\S+)/.exec(text.trim());
    if (f) fetched = `${f[1]} in ${f[2]}`;
  }
  const end = lines.find((l) => /^Successfully built/.test(l.text.trim()))?.t ?? totalMs;
  return {
    uploadMs,
    fetched,
    steps: steps.map((s, i) => ({ ...s, ms: (steps[i + 1]?.t ?? end) - s.t })),
    tailMs: totalMs - end,
  };
}

/** A cold build of `ctx` into `tag` (removed afterwards, also when the build fails). */
export async function coldBuild({ ctx, tag, baseRef, label }) {
  await sh('docker', ['rmi', '-f', tag]);
  try {
    const r = await timedRun('docker', ['build', '--no-cache', '--build-arg', `BASE=${baseRef}`, '--label', `mxlab-bench=${label}`, '-t', tag, ctx]);
    if (r.code !== 0) throw new Error(`cold build of ${tag} failed (exit ${r.code}):\n${(r.stdout + r.stderr).trim().split('\n').slice(-8).join('\n')}`);
    return { ms: r.ms, ...buildSteps(r.lines, r.ms) };
  } finally {
    const del = await sh('docker', ['rmi', tag]);
    if (del.code !== 0 && !/No such image/.test(del.stderr)) throw new Error(`could not remove ${tag}: ${del.stderr.trim()}`);
  }
}

/** One line per build: the slow steps by name (a step's text shortened). */
export function describeSteps(b, extra = []) {
  const short = (w) => {
    const s = w.replace(/\s+/g, ' ');
    if (/^RUN /.test(s) && /apt-get install/.test(s)) return `RUN apt-get update+install${b.fetched ? ` (apt fetched ${b.fetched})` : ''}`;
    if (/^LABEL mxlab-bench=/.test(s)) return 'last step + commit of the image';
    return s.length > 28 ? `${s.slice(0, 27)}…` : s;
  };
  const parts = [...extra, `context upload ${(b.uploadMs / 1000).toFixed(1)} s`];
  for (const s of b.steps) if (s.ms >= 300) parts.push(`${short(s.what)} ${(s.ms / 1000).toFixed(1)} s`);
  const rest = b.steps.filter((s) => s.ms < 300).reduce((a, s) => a + s.ms, 0) + b.tailMs;
  parts.push(`other steps ${(rest / 1000).toFixed(1)} s`);
  return parts.join(', ');
}
