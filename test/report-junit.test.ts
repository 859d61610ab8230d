import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/result.js';
import { toJunit } from '../src/report/reporters/junit.js';
import { hostileResult } from './helpers/report-fixture.js';

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const tags = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))].map((m) => m[0]);
const unesc = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Every level's counts: each suite's tests/failures/errors equal what its testcases hold; the root's equal the sums. */
function counts(xml: string) {
  const suites = xml.split('<testsuite ').slice(1).map((chunk) => {
    const open = `<testsuite ${chunk.slice(0, chunk.indexOf('>') + 1)}`;
    const body = chunk.slice(0, chunk.indexOf('</testsuite>'));
    return {
      name: unesc(attr(open, 'name')!),
      declared: { tests: Number(attr(open, 'tests')), failures: Number(attr(open, 'failures')), errors: Number(attr(open, 'errors')) },
      found: { tests: tags(body, 'testcase').length, failures: tags(body, 'failure').length, errors: tags(body, 'error').length },
      names: tags(body, 'testcase').map((t) => unesc(attr(t, 'name')!)),
      times: tags(body, 'testcase').map((t) => attr(t, 'time')),
    };
  });
  const root = tags(xml, 'testsuites')[0];
  return { suites, root: { tests: Number(attr(root, 'tests')), failures: Number(attr(root, 'failures')), errors: Number(attr(root, 'errors')) } };
}

function twoCells(): RunResult {
  const r = hostileResult();
  const ok = r.scenarios[0].cells[0];
  ok.sessions[0].durationMs = 1500;
  // a second cell that broke after delivering its first message: one expectation checked, one not
  const second = structuredClone(ok.sessions[0]);
  second.message = 'first';
  second.durationMs = 250;
  r.scenarios[0].cells.push({
    cell: { 'fw.device': 'asa 9.12(4)' },
    label: 'fw.device=asa 9.12(4)',
    ok: false,
    error: { code: 'E_CONTAINER_START', message: 'node esa did not become ready' },
    sessions: [second],
    expectations: [
      { spec: { message: 'first', outcome: 'delivered' }, line: 12, message: 'first', ok: true, checks: [{ name: 'outcome', ok: true, expected: 'delivered', actual: 'delivered' }] },
      { spec: { message: 'second', tls: true }, line: 13, message: 'second', ok: false, checks: [{ name: 'session', ok: false, expected: 'a session for second', actual: 'none' }] },
    ],
    durationMs: 3000,
    timing: { startMs: 2000, stopMs: 100 },
  });
  // and a cell that broke before anything: no expectation applied to it
  r.scenarios[0].cells.push({ cell: { 'fw.device': 'pix 6.3(5)' }, label: 'fw.device=pix 6.3(5)', ok: false, error: { code: 'E_LISTEN', message: 'port in use' }, sessions: [], expectations: [], durationMs: 5 });
  r.summary = { scenarios: 1, cells: 3, expectations: 3, failed: 2, errors: 2 };
  return r;
}

describe('JUnit reporter', () => {
  it('one testsuite per cell, counts that agree at every level, harness errors as <error>', () => {
    const xml = toJunit(twoCells());
    const { suites, root } = counts(xml);
    expect(suites.map((s) => s.name)).toEqual([
      'hostile <script>alert(1)</script> [fw.device=pix 7.2(2)]',
      'hostile <script>alert(1)</script> [fw.device=asa 9.12(4)]',
      'hostile <script>alert(1)</script> [fw.device=pix 6.3(5)]',
    ]);
    for (const s of suites) expect(s.declared).toEqual(s.found);
    expect(suites.map((s) => s.found)).toEqual([
      { tests: 1, failures: 1, errors: 0 },
      { tests: 2, failures: 0, errors: 1 },
      { tests: 1, failures: 0, errors: 1 },
    ]);
    const sum = (k: 'tests' | 'failures' | 'errors') => suites.reduce((n, s) => n + s.found[k], 0);
    expect(root).toEqual({ tests: sum('tests'), failures: sum('failures'), errors: sum('errors') });
    expect(suites[2].names).toEqual(['hostile <script>alert(1)</script> [fw.device=pix 6.3(5)] › harness']);
    expect(xml).toContain('<error type="E_LISTEN" message="port in use">E_LISTEN: port in use</error>');
    expect(xml).toMatch(/<error type="E_CONTAINER_START" message="node esa did not become ready">not checked: the run broke before message second was delivered/);
  });

  it('names tests by scenario, cell, message and checked fields, never by line; the line is a property; time is the session\'s', () => {
    const xml = toJunit(twoCells());
    const { suites } = counts(xml);
    expect(suites[0].names).toEqual([`hostile <script>alert(1)</script> [fw.device=pix 7.2(2)] › m"<script>alert(1)</script>: tls`]);
    expect(suites[1].names).toEqual(['hostile <script>alert(1)</script> [fw.device=asa 9.12(4)] › first: outcome', 'hostile <script>alert(1)</script> [fw.device=asa 9.12(4)] › second: tls']);
    expect(xml).not.toMatch(/name="[^"]*line \d+/);
    expect(xml).toContain('<property name="line" value="9"/>');
    expect(suites[0].times).toEqual(['1.500']);
    expect(suites[1].times).toEqual(['0.250', '0.000']);
    // nothing from the attacker's bytes escapes the attributes
    expect(xml).not.toContain('<script>');
  });

  it('a <failure> carries expected vs actual and the transcript lines the console shows', () => {
    const xml = toJunit(twoCells());
    const failure = /<failure type="tls" message="([^"]*)">([^<]*)<\/failure>/.exec(xml);
    expect(failure).not.toBeNull();
    expect(unesc(failure![1])).toBe('tls: expected true, got false');
    const body = unesc(failure![2]).split('\n');
    expect(body[0]).toBe('tls: expected true, got false');
    expect(body).toEqual(expect.arrayContaining(['EHLO reply the sender saw:', '  250 XXXXXXXA', 'STARTTLS reply: (not sent)']));
    expect(body.some((l) => /ms C: STARTTLS$/.test(l))).toBe(true);
  });

  it('the same title twice in a cell gets a #2, so CI keeps both', () => {
    const r = hostileResult();
    const cell = r.scenarios[0].cells[0];
    cell.expectations.push({ ...cell.expectations[0], line: 30 });
    const { suites } = counts(toJunit(r));
    expect(suites[0].names[1]).toBe(`${suites[0].names[0]} #2`);
  });
});
