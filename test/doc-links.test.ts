import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

/**
 * Every reference to a document the repository means to have — `docs/…`, any `*.md`, and every relative
 * markdown link — points to a file that exists: in src, README.md, containers, scenarios, bench, docs and
 * the test README. (The docs the project was designed from live outside the repository and are never cited.)
 */
const PLACES = ['src', 'README.md', 'containers', 'scenarios', 'bench', 'docs', 'test/README.md'];

function files(p: string): string[] {
  const abs = join(ROOT, p);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs).flatMap((f) => (f === 'node_modules' ? [] : files(join(p, f))));
}

const TEXT = /\.(ts|js|md|ya?ml|sh|txt|json)$|Dockerfile$/;

/** The documents a file refers to: relative markdown links (in .md files) and every path or name ending in .md. */
function references(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\bhttps?:\/\/\S+/g, '');
  const out: string[] = [];
  if (file.endsWith('.md')) {
    for (const m of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = m[1].split('#')[0];
      if (target && !/^(mailto:|#)/.test(m[1])) out.push(target);
    }
  }
  for (const m of text.matchAll(/(?<![\w/.-])((?:\.{1,2}\/)*[\w.-]+(?:\/[\w.-]+)*\.md)\b/g)) out.push(m[1]);
  return [...new Set(out)];
}

/** A reference resolves next to the file, from the repository root, or (a bare name) in docs/. */
function resolves(file: string, ref: string): boolean {
  const candidates = [resolve(dirname(file), ref), resolve(ROOT, ref), ...(ref.includes('/') ? [] : [resolve(ROOT, 'docs', ref)])];
  return candidates.some((c) => existsSync(c));
}

describe('document references', () => {
  const scanned = PLACES.flatMap(files).filter((f) => TEXT.test(f));

  it('scans the places the references live in', () => {
    expect(scanned.length).toBeGreaterThan(150);
    expect(scanned.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', 'docs/devices.md', 'docs/design.md', 'src/actors/firewall/README.md']));
  });

  it('every docs/… path, *.md name and relative markdown link points to a file that exists', () => {
    const broken = scanned.flatMap((f) => references(f).filter((r) => !resolves(f, r)).map((r) => `${relative(ROOT, f)}: ${r}`));
    expect(broken).toEqual([]);
  });

  it('catches a broken one', () => {
    expect(resolves(join(ROOT, 'src/index.ts'), 'docs/esmtp-inspection.md')).toBe(false);
    expect(references(join(ROOT, 'docs/design.md'))).toContain('devices.md');
  });
});
