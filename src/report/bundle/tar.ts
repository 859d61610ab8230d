import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { CODE, MxlabError } from '../../errors.js';

/** One archive member: a regular file. Folders are implied by the paths. */
export interface TarFile {
  /** `/`-separated, relative */
  name: string;
  data: Buffer | string;
  /** seconds since the epoch */
  mtime?: number;
  mode?: number;
}

/** A gzip'd tar (tar-stream: ustar, PAX headers for long or non-ASCII names). */
export async function writeTarGz(files: TarFile[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(c: Buffer, _enc, cb) {
      chunks.push(c);
      cb();
    },
  });
  const done = pipeline(p, createGzip(), sink);
  for (const f of files) {
    const data = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data;
    await new Promise<void>((resolve, reject) =>
      p.entry({ name: f.name, size: data.length, mode: f.mode ?? 0o644, mtime: new Date((f.mtime ?? Date.now() / 1000) * 1000), uname: 'mxlab', gname: 'mxlab', type: 'file' }, data, (err) => (err ? reject(err) : resolve())),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface ReadLimits {
  /** bytes of all members together, uncompressed */
  totalBytes: number;
  /** members */
  entries: number;
  /** keep the data only of members this accepts; the others are read and counted, not kept */
  keep?(name: string): boolean;
  /** filled with the mode of each kept member */
  modes?: Map<string, number>;
}

/** Bundles are small (transcripts, pcaps of a few messages): these caps stop a decompression bomb. */
export const BUNDLE_LIMITS: ReadLimits = { totalBytes: 1 << 30, entries: 100_000 };

/**
 * Reads a gzip'd tar into memory: regular files only, names normalised (`./` dropped) and
 * refused when absolute or with a `..` part. Throws E_BUNDLE for anything that is not a
 * well-formed .tar.gz within the limits.
 */
export async function readTarGz(data: Buffer, what: string, limits: ReadLimits = BUNDLE_LIMITS): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const fail = (reason: string) => new MxlabError(CODE.BUNDLE, `Failed to read ${what}: ${reason}. Is it a bundle written by mxlab run --reporter bundle?`);
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) throw fail('not a gzip file');
  let total = 0;
  let count = 0;
  let failure: MxlabError | undefined;
  const x = extract();
  const stop = (err: MxlabError) => {
    failure ??= err;
    x.destroy(err);
  };
  x.on('entry', (header, stream, next) => {
    stream.on('error', () => undefined);
    if (failure) return stream.resume();
    const chunks: Buffer[] = [];
    const name = header.name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    const kept = header.type === 'file' && (limits.keep?.(name) ?? true);
    if (++count > limits.entries) return stop(fail(`more than ${limits.entries} members`));
    if (header.type === 'file' && (name.startsWith('/') || name.split('/').includes('..') || name === '')) return stop(fail(`a member named "${header.name}" points outside the bundle`));
    stream.on('data', (data: unknown) => {
      const c = data as Buffer;
      total += c.length;
      if (total > limits.totalBytes) stop(fail(`more than ${limits.totalBytes} bytes uncompressed`));
      else if (kept) chunks.push(c);
    });
    stream.on('end', () => {
      if (failure) return;
      if (kept) {
        files.set(name, Buffer.concat(chunks));
        limits.modes?.set(name, header.mode ?? 0o644);
      }
      next();
    });
  });
  try {
    await pipeline(Readable.from([data]), createGunzip(), x);
  } catch (err) {
    if (failure) throw failure;
    if (err instanceof MxlabError) throw err;
    throw fail((err as Error).message.replace(/\.$/, ''));
  }
  if (failure) throw failure;
  return files;
}
