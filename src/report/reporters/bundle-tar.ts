/**
 * A minimal tar writer (POSIX ustar, 512-byte blocks). Names that do not fit ustar's
 * name/prefix fields (or are not ASCII) get a PAX extended header carrying the full UTF-8 path.
 * Regular files only; directories are implied by the paths (every tar creates them on extract).
 */
export interface TarFile {
  /** path inside the archive, `/`-separated, relative */
  name: string;
  data: Buffer | string;
  /** seconds since the epoch */
  mtime?: number;
  mode?: number;
}

const BLOCK = 512;

export function tar(files: TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const data = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data;
    const mtime = f.mtime ?? Math.floor(Date.now() / 1000);
    const split = ustarName(f.name);
    if (!split) {
      const pax = paxRecord('path', f.name);
      parts.push(header({ name: paxName(f.name), prefix: '', size: pax.length, mtime, mode: 0o644, type: 'x' }), pad(pax));
    }
    const { name, prefix } = split ?? { name: paxName(f.name), prefix: '' };
    parts.push(header({ name, prefix, size: data.length, mtime, mode: f.mode ?? 0o644, type: '0' }), pad(data));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** name ≤ 100 bytes, or prefix ≤ 155 + `/` + name ≤ 100; ASCII only (else PAX). */
function ustarName(path: string): { name: string; prefix: string } | undefined {
  if (!/^[\x20-\x7e]+$/.test(path)) return undefined;
  if (path.length <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    if (i <= 155 && path.length - i - 1 <= 100 && path.length - i - 1 > 0) return { prefix: path.slice(0, i), name: path.slice(i + 1) };
  }
  return undefined;
}

/** A printable stand-in for readers without PAX support. */
const paxName = (path: string) => `PaxHeader/${path.replace(/[^\x20-\x7e]/g, '_').slice(-80)}`;

/** `"%d key=value\n"` where %d counts the whole record including itself. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(body);
  let len = bytes + 1;
  while (String(len).length + bytes !== len) len = String(len).length + bytes;
  return Buffer.from(`${len}${body}`, 'utf8');
}

function header(h: { name: string; prefix: string; size: number; mtime: number; mode: number; type: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  const put = (off: number, len: number, s: string) => b.write(s, off, len, 'utf8');
  const octal = (off: number, len: number, n: number) => put(off, len, n.toString(8).padStart(len - 1, '0') + '\0');
  put(0, 100, h.name);
  octal(100, 8, h.mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, h.size);
  octal(136, 12, h.mtime);
  b.fill(0x20, 148, 156); // checksum field counts as spaces
  put(156, 1, h.type);
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  put(265, 32, 'mxlab');
  put(297, 32, 'mxlab');
  put(345, 155, h.prefix);
  let sum = 0;
  for (const byte of b) sum += byte;
  put(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return b;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest ? Buffer.concat([data, Buffer.alloc(BLOCK - rest)]) : data;
}
