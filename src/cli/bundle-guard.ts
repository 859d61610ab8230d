import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { CODE, MxlabError } from '../errors.js';

/**
 * A bundle (or any gzip or tar archive) given where a scenario file is expected: one line that
 * points to `mxlab replay`, never YAML errors about binary bytes. Files that cannot be opened
 * are left to the scenario loader, which reports them.
 */
export async function refuseArchive(file: string): Promise<void> {
  let head: Buffer;
  try {
    // never blocks: a FIFO or a device is left to the loader, which refuses it
    const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    try {
      if (!(await fh.stat()).isFile()) return;
      const buf = Buffer.alloc(512);
      const { bytesRead } = await fh.read(buf, 0, 512, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return;
  }
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const tar = head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
  if (gzip || tar) {
    throw new MxlabError(CODE.BUNDLE, `Failed to read ${file} as a scenario: it is a ${gzip ? 'gzip' : 'tar'} archive, like the bundles mxlab writes. Did you mean mxlab replay ${file}?`);
  }
}
