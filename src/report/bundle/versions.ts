import { readFile } from 'node:fs/promises';
import { arch, platform, release, type } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../model/result.js';

const PACKAGES = ['smtp-server', 'nodemailer'] as const;

/**
 * What produced the result: mxlab, Node, OS, the installed SMTP libraries (null when unreadable),
 * and per run what ran as each node (software, version, image tag).
 */
export async function versions(result: RunResult): Promise<Record<string, unknown>> {
  const packages: Record<string, string | null> = {};
  for (const name of PACKAGES) packages[name] = await packageVersion(name);
  return {
    mxlab: result.mxlab,
    node: process.version,
    platform: process.platform,
    arch: arch(),
    os: `${type()} ${release()} (${platform()})`,
    runtimes: [...new Set(result.scenarios.map((s) => s.runtime))],
    startedAt: result.startedAt,
    packages,
    runs: result.scenarios.flatMap((s) => s.cells.map((c) => ({ file: s.file, label: c.label, runtime: s.runtime, nodes: c.nodes ?? {} }))),
  };
}

/** Looks for node_modules/<name>/package.json above this module, then above the working directory. */
async function packageVersion(name: string): Promise<string | null> {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown };
        if (typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not here; keep walking up
      }
      if (dir === parse(dir).root) break;
    }
  }
  return null;
}
