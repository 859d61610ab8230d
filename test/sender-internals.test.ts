import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { describe, expect, it } from 'vitest';
import { INTERNALS, missingInternals, TESTED_WITH } from '../src/actors/sender/nodemailer-internals.js';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const installed = () => (require('nodemailer/package.json') as { version: string }).version;

describe('nodemailer internals the builtin sender uses', () => {
  it('every member the sender reaches into exists in the installed nodemailer', () => {
    const missing = missingInternals();
    expect(missing, `nodemailer ${installed()} lacks ${missing.join(', ')} (src/actors/sender/nodemailer-internals.ts was written against ${TESTED_WITH}): adapt that file before moving the pin in package.json`).toEqual([]);
  });

  it('names a member a release dropped', () => {
    const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
    const saved = proto._upgradeConnection;
    delete proto._upgradeConnection;
    try {
      expect(missingInternals()).toEqual(['SMTPConnection._upgradeConnection (method)']);
    } finally {
      proto._upgradeConnection = saved;
    }
    expect(missingInternals()).toEqual([]);
  });

  it('package.json pins nodemailer to the release tested, and the lockfile holds it', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.nodemailer).toBe(TESTED_WITH);
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(lock.packages['node_modules/nodemailer'].version).toBe(TESTED_WITH);
    expect(installed()).toBe(TESTED_WITH);
  });

  it('no other source file names one of the members', () => {
    const own = path.join(root, 'src/actors/sender/nodemailer-internals.ts');
    const dir = path.join(root, 'src/actors/sender');
    const offenders: string[] = [];
    for (const f of readdirSync(dir)) {
      const file = path.join(dir, f);
      if (file === own || !f.endsWith('.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const { member } of INTERNALS) if (new RegExp(`\\.${member}\\b`).test(text)) offenders.push(`${f}: .${member}`);
    }
    expect(offenders).toEqual([]);
  });
});
