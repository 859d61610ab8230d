import { createHash } from 'node:crypto';
import type { RunResult } from '../../model/result.js';
import { esc, escAttr } from './escape.js';
import { expectationTable } from './expectations.js';
import { matrixTable, sessionId } from './matrix.js';
import { sessionBlock } from './session.js';
import { CSS, SCRIPT } from './style.js';
import { timelineLines } from '../timeline.js';

/**
 * The whole report as one self-contained HTML document: no external resources, and a
 * Content-Security-Policy that forbids any network access and runs only the page's own script
 * (by hash), so a transcript line that slipped through escaping still could not execute.
 */
export function renderHtml(result: RunResult): string {
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const { summary } = result;
  const runtimes = [...new Set(result.scenarios.map((s) => s.runtime))].join(', ') || '—';
  const verdict = summary.errors
    ? `<span class="bad">${summary.errors} run${summary.errors === 1 ? '' : 's'} broke (harness error)</span>`
    : summary.failed
      ? `<span class="bad">${summary.failed} of ${summary.expectations} expectations failed</span>`
      : `<span class="good">all ${summary.expectations} expectations held</span>`;
  const nav = result.scenarios
    .map((s, si) => `<li><a href="#s${si}">${s.ok ? '✓' : '✗'} ${esc(s.name)}</a> <span class="dim">${esc(s.file)}</span></li>`)
    .join('\n');
  const sections = result.scenarios.map((s, si) => {
    const failed = s.cells.flatMap((c) => c.expectations.filter((e) => !e.ok).map((e) => ({ c, e })));
    const cells = s.cells.map((c, ci) => {
      const sessions = c.sessions.map((x, mi) => sessionBlock(sessionId(si, ci, mi), x, c.expectations, s.file)).join('\n');
      const err = c.error ? `<p class="bad">harness error ${esc(c.error.code)}: ${esc(c.error.message)}</p>` : '';
      const steps = timelineLines(c);
      const timeline = steps.length ? `<details open><summary><h4>Timeline (scenario time)</h4></summary><pre>${steps.map(esc).join('\n')}</pre></details>\n` : '';
      return `<details class="cell"${c.ok ? '' : ' open'}><summary><h3 style="display:inline">${c.ok ? '✓' : '✗'} run ${c.label ? esc(c.label) : '(single run)'}</h3> <span class="dim">${c.sessions.length} messages, ${c.durationMs} ms</span></summary>\n${err}${timeline}${sessions}\n</details>`;
    });
    const failedHtml = failed.length
      ? `<h4>Failed expectations</h4>${failed.map(({ c, e }) => `<p>run ${c.label ? esc(c.label) : '(single run)'}</p>${expectationTable([e], s.file)}`).join('\n')}`
      : '';
    return `<section id="s${si}"><h2>${s.ok ? '✓' : '✗'} ${esc(s.name)}</h2>
<p class="dim">${esc(s.file)} · runtime ${esc(s.runtime)} · ${s.cells.length} run${s.cells.length === 1 ? '' : 's'}</p>
${matrixTable(s, si)}
${failedHtml}
${cells.join('\n')}
</section>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mxlab report — ${escAttr(result.startedAt)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<div class="tools"><button type="button" data-open="1">expand all</button> <button type="button" data-open="0">collapse all</button></div>
<h1>mxlab report</h1>
<p class="totals"><span>mxlab ${esc(result.mxlab)}</span><span>started ${esc(result.startedAt)}</span><span>took ${(result.durationMs / 1000).toFixed(1)} s</span><span>runtime ${esc(runtimes)}</span></p>
<p class="totals"><span>${summary.scenarios} scenario${summary.scenarios === 1 ? '' : 's'}</span><span>${summary.cells} run${summary.cells === 1 ? '' : 's'}</span><span>${summary.expectations} expectations</span><span>${summary.failed} failed</span><span>${summary.errors} errors</span> ${verdict}</p>
</header>
<nav><ul>
${nav}
</ul></nav>
${sections.join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
