import type { TranscriptRecorder } from '../../smtp/transcript.js';

/**
 * The client side of a hop into the transcript. For personas that take BDAT, chunk octets are
 * summarised as `<BDAT chunk: n bytes>` instead of being split into lines, as the recorder
 * already does for DATA bodies: memory stays bounded whatever the message size.
 */
export class ClientTap {
  private skip = 0;
  private skipped = 0;
  private line = '';
  private inData = false;

  constructor(
    private readonly rec: TranscriptRecorder,
    private readonly bdat: boolean,
  ) {}

  push(buf: Buffer, tls: boolean): void {
    if (!this.bdat) {
      this.rec.push('c2s', buf, tls);
      return;
    }
    let i = 0;
    while (i < buf.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - i);
        this.skip -= n;
        this.skipped += n;
        i += n;
        if (this.skip === 0) this.rec.note('c2s', `<BDAT chunk: ${this.skipped} bytes>`, tls);
        continue;
      }
      const nl = buf.indexOf(0x0a, i);
      const end = nl < 0 ? buf.length : nl + 1;
      this.rec.push('c2s', buf.subarray(i, end), tls);
      if (this.line.length < 64) this.line += buf.toString('latin1', i, Math.min(end, i + 64));
      i = end;
      if (nl >= 0) this.endOfLine(this.line.replace(/\r?\n$/, ''));
    }
  }

  private endOfLine(line: string): void {
    this.line = '';
    if (this.inData) {
      if (line === '.') this.inData = false;
      return;
    }
    if (/^DATA$/i.test(line)) this.inData = true;
    const m = /^BDAT +(\d{1,12})\b/i.exec(line);
    if (m && Number(m[1]) > 0) {
      this.skip = Number(m[1]);
      this.skipped = 0;
    }
  }
}
