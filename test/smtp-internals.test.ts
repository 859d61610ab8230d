import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { INTERNALS, missingInternals, TESTED_WITH } from '../src/actors/receiver/smtp-internals.js';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('smtp-server internals the persona layer uses', () => {
  it('every member the receiver reaches into exists in the installed smtp-server', () => {
    const missing = missingInternals();
    const installed = (require('smtp-server/package.json') as { version: string }).version;
    // the message a release that changed them gives: which member, which release, what was tested
    expect(missing, `smtp-server ${installed} lacks ${missing.join(', ')} (src/actors/receiver/smtp-internals.ts was written against ${TESTED_WITH}): adapt that file before moving the pin in package.json`).toEqual([]);
  });

  it('names a member a release dropped or turned into another kind', () => {
    const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
    const saved = proto._whenWritable;
    delete proto._whenWritable;
    try {
      expect(missingInternals()).toEqual(['SMTPConnection._whenWritable (method)']);
    } finally {
      proto._whenWritable = saved;
    }
    expect(missingInternals()).toEqual([]);
  });

  it('package.json pins smtp-server to the release tested, and the lockfile holds it', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['smtp-server']).toBe(TESTED_WITH);
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(lock.packages['node_modules/smtp-server'].version).toBe(TESTED_WITH);
    expect((require('smtp-server/package.json') as { version: string }).version).toBe(TESTED_WITH);
  });

  it('no other source file imports smtp-server internals or names one of the members', () => {
    const own = path.join(root, 'src/actors/receiver/smtp-internals.ts');
    const underscored = INTERNALS.map((i) => i.member).filter((m) => m.startsWith('_'));
    const offenders: string[] = [];
    for (const file of sources(path.join(root, 'src'))) {
      if (file === own) continue;
      const text = readFileSync(file, 'utf8');
      const rel = path.relative(root, file);
      if (/from 'smtp-server\/lib\//.test(text)) offenders.push(`${rel}: imports smtp-server/lib`);
      // nodemailer's client has members of the same names (the sender): only smtp-server's users count
      if (!/from 'smtp-server'/.test(text) && !rel.startsWith('src/actors/receiver/')) continue;
      for (const m of underscored) if (new RegExp(`\\.${m}\\b`).test(text)) offenders.push(`${rel}: .${m}`);
    }
    expect(offenders).toEqual([]);
  });
});
