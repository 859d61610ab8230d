/** Message bodies for the benches: RFC 5322 headers + base64-looking 76-character lines. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LINE = 76;
const LINES_PER_CHUNK = 840; // 840 × 78 = 65 520 bytes, one reused Buffer

function headers(id, size) {
  return Buffer.from(
    [
      'From: <a@partner.example>',
      'To: <b@esa.example.com>',
      `Subject: bench ${id} (${size} bytes)`,
      `Message-ID: <${id}@partner.example>`,
      'Date: Sat, 28 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="bench.bin"',
      '',
      '',
    ].join('\r\n'),
  );
}

function lines(n, seed = 0) {
  const out = [];
  for (let i = 0; i < n; i++) {
    let l = '';
    for (let j = 0; j < LINE; j++) l += ALPHABET[(i * 7 + j * 13 + seed) % 64];
    out.push(l);
  }
  return Buffer.from(out.join('\r\n') + '\r\n');
}

const CHUNK = lines(LINES_PER_CHUNK);

/** A whole small message (about `size` bytes) as one Buffer, without the final CRLF.CRLF. */
export function smallMessage(id, size = 1024) {
  const h = headers(id, size);
  const n = Math.max(1, Math.round((size - h.length) / (LINE + 2)));
  return Buffer.concat([h, lines(n)]).subarray(0, -2);
}

/** A large message of about `size` bytes as an iterable of Buffers (one 64 KB buffer reused). */
export function* largeMessage(id, size) {
  const h = headers(id, size);
  yield h;
  let left = size - h.length;
  while (left >= CHUNK.length) {
    yield CHUNK;
    left -= CHUNK.length;
  }
  const n = Math.max(1, Math.floor(left / (LINE + 2)));
  yield CHUNK.subarray(0, n * (LINE + 2) - 2); // the last line's CRLF comes with the terminator
}
