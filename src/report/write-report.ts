import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CODE, MxlabError } from '../errors.js';
import { makeDir } from './make-dir.js';
import type { ReporterOptions } from './types.js';

/** Writes one report file under the out dir (making folders as needed) and tells the CLI where it went. */
export async function writeReport(opts: Pick<ReporterOptions, 'outDir' | 'wrote'>, name: string, data: string | Buffer): Promise<string> {
  const path = join(opts.outDir, name);
  await makeDir(dirname(path));
  await writeFile(path, data).catch((err: NodeJS.ErrnoException) => {
    throw new MxlabError(err.code === 'EISDIR' ? CODE.OUTPUT_PATH : CODE.IO, `Failed to write ${path}: ${err.code ?? err.message}.`, { hint: 'Is the disk full or read-only?', cause: err });
  });
  opts.wrote?.(path);
  return path;
}

/** Writes text to a stream, resolving once it is flushed to the stream's buffer (large reports on a pipe). */
export function writeStream(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise<void>((resolve) => (stream.write(text) ? resolve() : stream.once('drain', () => resolve())));
}
