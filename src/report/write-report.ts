import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ReporterOptions } from './types.js';

/** Writes one report file under the out dir (making folders as needed) and tells the CLI where it went. */
export async function writeReport(opts: Pick<ReporterOptions, 'outDir' | 'wrote'>, name: string, data: string | Buffer): Promise<string> {
  const path = join(opts.outDir, name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  opts.wrote?.(path);
  return path;
}

/** Writes text to a stream, resolving once it is flushed to the stream's buffer (large reports on a pipe). */
export function writeStream(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise<void>((resolve) => (stream.write(text) ? resolve() : stream.once('drain', () => resolve())));
}
