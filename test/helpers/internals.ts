import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

/** One library whose private members one file of ours reaches into (src/actors/receiver/smtp-internals.ts, src/actors/sender/nodemailer-internals.ts). */
export interface InternalsCheck {
  /** the npm package */
  pkg: string;
  /** who uses the members, for the test names (e.g. "the persona layer") */
  user: string;
  /** the one file that may touch them, relative to the repository */
  own: string;
  internals: readonly { member: string }[];
  missingInternals: () => string[];
  testedWith: string;
  /** a method the "names a member" test deletes from `proto`, and the entry missingInternals() must give then */
  drop: { proto: object; member: string; expected: string };
  /** where no other file may name the members: a folder under the repository, which files in it count (all by default), an import none may have */
  scope: { dir: string; counts?: (rel: string, text: string) => boolean; forbiddenImport?: RegExp };
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const installed = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;

/** The four checks of a library's internals: they exist, a dropped one is named, the pin, and no other file names them. */
export function describeInternals(c: InternalsCheck): void {
  describe(`${c.pkg} internals ${c.user} uses`, () => {
    it(`every member ${c.user} reaches into exists in the installed ${c.pkg}`, () => {
      const missing = c.missingInternals();
      // the message a release that changed them gives: which member, which release, what was tested
      expect(missing, `${c.pkg} ${installed(c.pkg)} lacks ${missing.join(', ')} (${c.own} was written against ${c.testedWith}): adapt that file before moving the pin in package.json`).toEqual([]);
    });

    it('names a member a release dropped or turned into another kind', () => {
      const proto = c.drop.proto as Record<string, unknown>;
      const saved = proto[c.drop.member];
      delete proto[c.drop.member];
      try {
        expect(c.missingInternals()).toEqual([c.drop.expected]);
      } finally {
        proto[c.drop.member] = saved;
      }
      expect(c.missingInternals()).toEqual([]);
    });

    it(`package.json pins ${c.pkg} to the release tested, and the lockfile holds it`, () => {
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(pkg.dependencies[c.pkg]).toBe(c.testedWith);
      const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
      expect(lock.packages[`node_modules/${c.pkg}`].version).toBe(c.testedWith);
      expect(installed(c.pkg)).toBe(c.testedWith);
    });

    it('no other source file names one of the members (or imports the library\'s internals)', () => {
      const own = path.join(root, c.own);
      const underscored = c.internals.map((i) => i.member).filter((m) => m.startsWith('_'));
      const offenders: string[] = [];
      for (const file of sources(path.join(root, c.scope.dir))) {
        if (file === own) continue;
        const text = readFileSync(file, 'utf8');
        const rel = path.relative(root, file);
        if (c.scope.forbiddenImport?.test(text)) offenders.push(`${rel}: imports ${c.scope.forbiddenImport.source}`);
        if (c.scope.counts && !c.scope.counts(rel, text)) continue;
        for (const m of underscored) if (new RegExp(`\\.${m}\\b`).test(text)) offenders.push(`${rel}: .${m}`);
      }
      expect(offenders).toEqual([]);
    });
  });
}
