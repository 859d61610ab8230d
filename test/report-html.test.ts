import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignLines } from '../src/report/html/align.js';
import { renderHtml } from '../src/report/reporters/html.js';
import { mxlab } from './helpers/cli.js';
import { hostileResult, XSS } from './helpers/report-fixture.js';
import { seedHead } from './helpers/seed.js';

describe('html report (crafted RunResult)', () => {
  const html = renderHtml(hostileResult());

  it('keeps attacker-controlled text as text: one script element, the page’s own, allowed by hash', () => {
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(html.match(/<script/gi)).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0][1]).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('m&quot;&lt;script&gt;'); // message id in text and in the matrix header
  });

  it('shows control bytes visibly and never writes them raw', () => {
    expect(html).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    expect(html).toContain('NUL<span class="ctl">\\x00</span>ESC<span class="ctl">\\x1b</span>[31mred');
  });

  it('marks the rewritten lines side by side, per direction', () => {
    expect(html).toContain('<tr class="changed" title="rewritten"><td class="t">0.004 s</td><td><code>250 <mark>XXXXXXXA</mark></code></td><td><code>250 <mark>STARTTLS</mark></code></td>');
    expect(html).toContain('<td><code><mark>STARTTLS</mark></code></td><td><code><mark>XXXXXXXX</mark></code></td>');
    expect(html).toContain('<tr class="same"><td class="t">0.006 s</td><td><code>NUL');
  });

  it('puts the failed expectation, expected vs actual, in the matrix and the session', () => {
    expect(html).toMatch(/<td class="fail"><a href="#s0-r0-m0">delivered<\/a><br>tls no · ok<br><span class="bad">✗ tls<\/span><\/td>/);
    expect(html).toContain('<tr class="fail"><td>scenarios/hostile.yaml:9</td><td>m&quot;&lt;script&gt;alert(1)&lt;/script&gt;</td><td>tls</td><td><code>true</code></td><td><code>false</code></td></tr>');
    expect(html).toContain('<details class="session" id="s0-r0-m0" open>');
    expect(html).toContain('mxlab 9.9.9');
    expect(html).toContain('1 of 1 expectations failed');
  });

  it('puts firewall events on the timeline and in their own table', () => {
    expect(html).toMatch(/<tr class="fwev"><td class="t">0\.004 s<\/td><td colspan="2">⚑ <b>fw<\/b> conn 1 · mask-ehlo-parameter/);
    expect(html).toContain('<code>%PIX-5-108003: &lt;script&gt;');
  });
});

describe('alignLines', () => {
  it('pairs equal lines, rewritten lines in a gap, and lines only one side carried', () => {
    const rows = alignLines(['220 a', 'EHLO x', 'STARTTLS', 'QUIT', 'extra'], ['220 a', 'EHLO x', 'XXXXXXXX', 'NOOP', 'QUIT']);
    expect(rows.map((r) => `${r.kind}:${r.left ?? '-'}:${r.right ?? '-'}`)).toEqual(['same:0:0', 'same:1:1', 'changed:2:2', 'right-only:-:3', 'same:3:4', 'left-only:4:-']);
  });
  it('never pairs a recorder note with a real line', () => {
    const rows = alignLines(['EHLO x', 'DKIM-Signature: a', '\tb=c'], ['EHLO x', '<error: read ECONNRESET>']);
    expect(rows.map((r) => `${r.kind}:${r.left ?? '-'}:${r.right ?? '-'}`)).toEqual(['same:0:0', 'left-only:1:-', 'left-only:2:-', 'right-only:-:1']);
  });
  it('falls back to pairing by index for huge inputs', () => {
    const big = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const rows = alignLines(big, [...big.slice(0, 1500), 'x', ...big.slice(1501)]);
    expect(rows).toHaveLength(3000);
    expect(rows.filter((r) => r.kind === 'changed').map((r) => r.left)).toEqual([1500]);
  });
});

describe('mxlab run --reporter html (built CLI, real sockets)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxlab-html-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes DIR/report.html for the seed: XXXXXXXA next to STARTTLS, XXXXXXXX next to STARTTLS, the firewall’s log lines', async () => {
    const out = join(dir, 'seed');
    const r = await mxlab(['run', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'html', '--out', out]);
    expect(r.stderr).toBe(`reports: ${out}/report.html\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('all 4 expectations held');
    const changed = [...html.matchAll(/<tr class="changed"[^>]*>(.*?)<\/tr>/g)].map((m) => m[1].replace(/<[^>]+>/g, '|').replace(/\|+/g, '|'));
    expect(changed).toContainEqual(expect.stringMatching(/^\|[\d.]+ s\|250 \|XXXXXXXA\|250 \|STARTTLS\|[\d.]+ s\|$/));
    expect(changed).toContainEqual(expect.stringMatching(/^\|[\d.]+ s\|STARTTLS\|XXXXXXXX\|[\d.]+ s\|$/));
    expect(changed).toContainEqual(expect.stringMatching(/^\|[\d.]+ s\|220 \|\*+\|220 \|esa\.example\.com ESMTP\|[\d.]+ s\|$/));
    // recorder notes (`<error: read ECONNRESET>`) are never shown as a rewrite of a real line
    expect(changed.filter((c) => c.includes('&lt;'))).toEqual([]);
    for (const m of ['inside', 'outside', 'outside-forced', 'outside-dkim']) expect(html).toContain(`<th>${m}</th>`);
    expect(html).toMatch(/<td class="out-deferred"><a href="#s0-r0-m3">deferred<\/a><br>tls no · connection-reset<\/td>/);
    expect(html).toMatch(/mask-command: cmd verb not allowed, masked: &quot;STARTTLS&quot;/);
    expect(html).toContain('<span class="tlsmark">[tls]</span>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('prints the report to stdout when it is the only reporter and there is no --out; a failed expectation shows expected vs actual', async () => {
    const f = join(dir, 'bad.yaml');
    await writeFile(
      f,
      `${seedHead('tiny')}  - { id: outside, from: partner, to: esa }
expect:
  - { message: outside, tls: true }
`,
    );
    const r = await mxlab(['run', f, '--reporter', 'html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout.endsWith('</html>\n')).toBe(true);
    expect(r.stdout).toContain(`<tr class="fail"><td>${f}:9</td><td>outside</td><td>tls</td><td><code>true</code></td><td><code>false</code></td></tr>`);
    expect(r.stdout).toContain('1 of 1 expectations failed');
  });
});
