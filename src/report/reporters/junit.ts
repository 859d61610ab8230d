import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../../model/result.js';
import { describeCheck } from '../format.js';
import type { ReporterFactory } from '../types.js';

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

/** JUnit XML: one testsuite per scenario cell, one testcase per expectation; assertion failures as <failure>, harness breakage as <error>. */
export function toJunit(result: RunResult): string {
  const suites = result.scenarios.flatMap((s) =>
    s.cells.map((c) => {
      const name = `${s.file}${c.label ? ` [${c.label}]` : ''}`;
      const cases = c.expectations.map((e) => {
        const title = `${e.message}: ${e.checks.map((k) => k.name).join(', ')}${e.line ? ` (line ${e.line})` : ''}`;
        const body = c.error
          ? `<error type="${esc(c.error.code)}" message="${esc(c.error.message)}"/>`
          : e.ok
            ? ''
            : `<failure message="${esc(e.checks.filter((k) => !k.ok).map(describeCheck).join('; '))}"/>`;
        return `    <testcase classname="${esc(name)}" name="${esc(title)}" time="${(c.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
      });
      if (c.error && cases.length === 0) cases.push(`    <testcase classname="${esc(name)}" name="run"><error type="${esc(c.error.code)}" message="${esc(c.error.message)}"/></testcase>`);
      const failures = c.error ? 0 : c.expectations.filter((e) => !e.ok).length;
      const errors = c.error ? Math.max(1, c.expectations.length) : 0;
      return `  <testsuite name="${esc(name)}" tests="${Math.max(1, c.expectations.length)}" failures="${failures}" errors="${errors}" time="${(c.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
    }),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mxlab" tests="${result.summary.expectations}" failures="${result.summary.failed}" errors="${result.summary.errors}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export const junit: ReporterFactory = ({ stdout, outDir }) => ({
  async onRunEnd(result) {
    if (outDir) {
      await mkdir(outDir, { recursive: true });
      await writeFile(join(outDir, 'junit.xml'), toJunit(result));
    } else stdout.write(toJunit(result));
  },
});
