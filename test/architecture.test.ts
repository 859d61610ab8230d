import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every import of every source file: [file relative to src, imported module (relative to src when internal)]. */
const imports = files(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => {
    const spec = m[1];
    const target = spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
    return { file: relative(SRC, file), target };
  });
});

const under = (p: string, ...dirs: string[]) => dirs.some((d) => p.startsWith(`${d}/`) || p === d);

describe('dependency direction (docs/design.md: Layout and dependency direction)', () => {
  const violations = (pred: (i: { file: string; target: string }) => boolean) => imports.filter(pred).map((i) => `${i.file} → ${i.target}`);

  it('scenario/ imports nothing internal but itself and the errors module', () => {
    expect(violations((i) => under(i.file, 'scenario') && i.target.endsWith('.ts') && !under(i.target, 'scenario', 'errors.ts', 'vocabulary.ts'))).toEqual([]);
  });

  it('smtp/ imports only the result model (and the errors module)', () => {
    expect(violations((i) => under(i.file, 'smtp') && i.target.endsWith('.ts') && !under(i.target, 'smtp', 'model', 'errors.ts', 'vocabulary.ts'))).toEqual([]);
  });

  it('reporters import only the result model (and report/, the errors module)', () => {
    expect(violations((i) => under(i.file, 'report') && i.target.endsWith('.ts') && !under(i.target, 'report', 'model', 'errors.ts', 'vocabulary.ts'))).toEqual([]);
  });

  it('the errors and vocabulary modules import nothing internal: every folder may use them', () => {
    expect(violations((i) => (i.file === 'errors.ts' || i.file === 'vocabulary.ts') && i.target.endsWith('.ts'))).toEqual([]);
  });

  it('every error class extends MxlabError (src/errors.ts)', () => {
    const bare = files(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/class (\w+) extends (Error|TypeError|RangeError)\b/g)].map((m) => `${relative(SRC, f)}: ${m[1]}`));
    expect(bare).toEqual(['errors.ts: MxlabError']);
  });

  it('only runtime/docker and images/ import testcontainers', () => {
    expect(violations((i) => i.target.startsWith('testcontainers') && !under(i.file, 'runtime/docker', 'images'))).toEqual([]);
  });

  it('actors do not import the runner, runtimes or the CLI', () => {
    expect(violations((i) => under(i.file, 'actors') && i.target.endsWith('.ts') && under(i.target, 'run', 'runtime', 'cli', 'report'))).toEqual([]);
  });

  it('runtimes import nothing from run/ (the plan types live in model/)', () => {
    expect(violations((i) => under(i.file, 'runtime') && i.target.endsWith('.ts') && under(i.target, 'run'))).toEqual([]);
  });

  it('images/ imports nothing from runtime/', () => {
    expect(violations((i) => under(i.file, 'images') && i.target.endsWith('.ts') && under(i.target, 'runtime'))).toEqual([]);
  });

  it('the scan sees the code base', () => {
    expect(imports.length).toBeGreaterThan(100);
  });
});
