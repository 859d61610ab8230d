import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from '../html/page.js';
import type { ReporterFactory } from '../types.js';

export { renderHtml };

/** One self-contained HTML file: to DIR/report.html with --out, else to stdout (mirrors json). */
export const html: ReporterFactory = ({ stdout, outDir }) => ({
  async onRunEnd(result) {
    const text = renderHtml(result);
    if (outDir) {
      await mkdir(outDir, { recursive: true });
      await writeFile(join(outDir, 'report.html'), text);
    } else {
      await new Promise<void>((resolve) => (stdout.write(text) ? resolve() : stdout.once('drain', () => resolve())));
    }
  },
});
