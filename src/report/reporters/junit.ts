import type { CellResult, RunResult, ScenarioResult } from '../../model/result.js';
import { expectationTitle, explainFailure } from '../explain.js';
import type { ReporterFactory } from '../types.js';
import { writeReport, writeStream } from '../write-report.js';

// XML 1.0 allows TAB, LF, CR and printable characters; the rest is dropped
// eslint-disable-next-line no-control-regex
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '');
const secs = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);
const prop = (name: string, value: string | number) => `<property name="${esc(name)}" value="${esc(String(value))}"/>`;

interface Case {
  xml: string;
  failed: boolean;
  error: boolean;
}

/**
 * JUnit XML for CI: one `<testsuite>` per cell, one `<testcase>` per expectation named
 * `scenario [cell] › message: fields` (no line numbers: the line is a property, so CI history
 * survives edits). A `<failure>` carries expected vs actual and the transcript lines that explain
 * it; a cell's harness error is an `<error>` on each expectation it left unchecked (or on a
 * `harness` testcase); every level's counts are the sums of what it contains.
 */
export function toJunit(result: RunResult): string {
  const suites = result.scenarios.flatMap((s) => s.cells.map((c) => suite(s, c)));
  const sum = (k: 'tests' | 'failures' | 'errors') => suites.reduce((n, x) => n + x[k], 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mxlab" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${secs(result.durationMs)}">\n${suites.map((x) => x.xml).join('\n')}\n</testsuites>\n`;
}

function suite(s: ScenarioResult, c: CellResult): { xml: string; tests: number; failures: number; errors: number } {
  const seen = new Map<string, number>();
  const unique = (title: string) => {
    const n = (seen.get(title) ?? 0) + 1;
    seen.set(title, n);
    return n === 1 ? title : `${title} #${n}`;
  };
  const cases: Case[] = c.expectations.map((e) => {
    const session = c.sessions.find((x) => x.message === e.message);
    const name = unique(expectationTitle(s.name, c.label, e));
    const props = `\n      <properties>${prop('file', s.file)}${e.line ? prop('line', e.line) : ''}</properties>`;
    let body = '';
    let kind: 'ok' | 'failure' | 'error' = 'ok';
    if (c.error && !session) kind = 'error';
    else if (!e.ok) kind = 'failure';
    if (kind === 'error' && c.error) body = `\n      <error type="${esc(c.error.code)}" message="${esc(c.error.message)}">${esc(`not checked: the run broke before message ${e.message} was delivered\n${c.error.code}: ${c.error.message}`)}</error>`;
    if (kind === 'failure') {
      const { checks, evidence } = explainFailure(e, session);
      const type = e.checks.filter((k) => !k.ok).map((k) => k.name).join(', ');
      body = `\n      <failure type="${esc(type)}" message="${esc(checks.join('; '))}">${esc([...checks, ...evidence].join('\n'))}</failure>`;
    }
    const xml = `    <testcase classname="${esc(s.file)}" name="${esc(name)}" time="${secs(session?.durationMs)}">${props}${body}\n    </testcase>`;
    return { xml, failed: kind === 'failure', error: kind === 'error' };
  });
  if (c.error && !cases.some((x) => x.error)) {
    const name = unique(`${s.name}${c.label ? ` [${c.label}]` : ''} › harness`);
    cases.push({
      xml: `    <testcase classname="${esc(s.file)}" name="${esc(name)}" time="${secs(c.timing ? c.timing.startMs + c.timing.stopMs : c.durationMs)}">\n      <error type="${esc(c.error.code)}" message="${esc(c.error.message)}">${esc(`${c.error.code}: ${c.error.message}`)}</error>\n    </testcase>`,
      failed: false,
      error: true,
    });
  }
  const failures = cases.filter((x) => x.failed).length;
  const errors = cases.filter((x) => x.error).length;
  const props = [prop('file', s.file), prop('runtime', s.runtime), ...Object.entries(c.cell).map(([k, v]) => prop(k, v))].join('');
  const name = `${s.name}${c.label ? ` [${c.label}]` : ''}`;
  const xml = `  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${secs(c.durationMs)}">\n    <properties>${props}</properties>\n${cases.map((x) => x.xml).join('\n')}\n  </testsuite>`;
  return { xml, tests: cases.length, failures, errors };
}

/** junit.xml under --out; on stdout only when it is the one reporter and no --out was given. */
export const junit: ReporterFactory = Object.assign(
  (opts: Parameters<ReporterFactory>[0]) => ({
    async onRunEnd(result: RunResult) {
      if (opts.toStdout) await writeStream(opts.stdout, toJunit(result));
      else await writeReport(opts, 'junit.xml', toJunit(result));
    },
  }),
  { stream: true },
);
