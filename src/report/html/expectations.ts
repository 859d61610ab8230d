import type { ExpectationResult } from '../../model/result.js';
import { esc, showValue } from './escape.js';

/** Expected vs actual, one row per check of each expectation (failed ones in red). */
export function expectationTable(list: ExpectationResult[], file: string): string {
  const rows = list.flatMap((e) =>
    e.checks.map(
        (k) =>
          `<tr class="${k.ok ? 'ok' : 'fail'}"><td>${esc(file)}${e.line ? `:${e.line}` : ''}</td><td>${esc(e.message)}</td><td>${esc(k.name)}</td><td><code>${esc(showValue(k.expected))}</code></td><td><code>${esc(showValue(k.actual))}</code></td></tr>`,
      ),
  );
  return `<table class="exp"><thead><tr><th>where</th><th>message</th><th>check</th><th>expected</th><th>actual</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
