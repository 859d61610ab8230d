import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { CODE, MxlabError } from '../errors.js';

/** Largest scenario file read (the format needs a few KB; a device config may be long). */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

/** What a user gave as an input file that cannot be read: missing, not a regular file, too large. */
export class InputFileError extends MxlabError {
  constructor(
    readonly file: string,
    /** what was expected, e.g. "a regular file" */
    readonly expected: string,
    /** what was found, e.g. "a FIFO (named pipe)" */
    readonly got: string,
    hint?: string,
  ) {
    super(CODE.INPUT_FILE, `Failed to read ${file}: expected ${expected}, got ${got}.`, { hint });
    this.name = 'InputFileError';
  }
}

/**
 * Reads a file the user named, as text: only a regular file (a FIFO, a device, a socket or a
 * directory is refused at once: the file is opened with O_NONBLOCK and checked with fstat before
 * any read, so a FIFO without a writer never blocks), at most `maxBytes` (counted while reading,
 * so a file that grows or lies about its size is cut off too).
 */
export async function readInputFile(file: string, what: string, maxBytes: number): Promise<string> {
  return (await readInputBytes(file, what, maxBytes)).toString('utf8');
}

/**
 * `readInputFile` for a text the user pasted (a device configuration): binary data — a NUL byte, or
 * more than one byte in ten a control character no terminal capture holds — is refused with the
 * line it starts on, instead of being read as hundreds of unknown commands.
 */
export async function readTextFile(file: string, what: string, maxBytes: number): Promise<string> {
  const bytes = await readInputBytes(file, what, maxBytes);
  const at = binaryAt(bytes);
  if (at !== undefined) {
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
    throw new InputFileError(file, `a ${what} as text`, `binary data (line ${line})`, 'Did you name the wrong file? Save the output of show running-config as plain text.');
  }
  return bytes.toString('utf8');
}

/** Where binary data starts: the first NUL, or the first control byte when over a tenth of the bytes are such. */
function binaryAt(b: Buffer): number | undefined {
  const nul = b.indexOf(0);
  if (nul >= 0) return nul;
  let first: number | undefined;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    // text: TAB LF CR, and the BS, FF and ESC a terminal capture may hold
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 8 && c !== 12 && c !== 27) {
      first ??= i;
      n++;
    }
  }
  return n * 10 > b.length ? first : undefined;
}

/** `readInputFile` for binary files (bundles): the same checks, the bytes. */
export async function readInputBytes(file: string, what: string, maxBytes: number): Promise<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const [expected, got] = describeOpenError(err, what);
    throw new InputFileError(file, expected, got, got === 'no such file' ? 'Did you mistype the path?' : undefined);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new InputFileError(file, `a ${what} (a regular file)`, kindOf(st), specialHint(st));
    if (st.size > maxBytes) throw tooLarge(file, what, st.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(file, what, undefined, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    const [expected, got] = describeOpenError(err, what);
    throw new InputFileError(file, expected, got);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

function tooLarge(file: string, what: string, size: number | undefined, max: number): InputFileError {
  const got = size === undefined ? 'more' : `${size.toLocaleString('en-US')} bytes`;
  return new InputFileError(file, `a ${what} of at most ${max.toLocaleString('en-US')} bytes`, got, 'Did you give the right file?');
}

export function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/** What to do instead of naming a file that is not a regular file. */
export function specialHint(st: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'Did you mean a file inside it?';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'Only regular files are read: a device (such as /dev/zero) never is.';
  return 'Only regular files are read: write a pipe or a process substitution to a file first.';
}

function describeOpenError(err: unknown, what: string): [expected: string, got: string] {
  const e = err as NodeJS.ErrnoException;
  const readable = `a readable ${what}`;
  switch (e.code) {
    case 'ENOENT': return [readable, 'no such file'];
    case 'EACCES': case 'EPERM': return [readable, 'permission denied'];
    case 'EISDIR': return [`a ${what} (a regular file)`, 'a directory'];
    case 'ELOOP': return [readable, 'too many levels of symbolic links'];
    case 'ENAMETOOLONG': return [readable, 'a path too long for the system'];
    case 'ENOTDIR': return [readable, 'a path through something that is not a folder'];
    case 'ENXIO': return [`a ${what} (a regular file)`, 'a socket or FIFO'];
    default: return [readable, e.code ?? e.message];
  }
}
