import { describe, expect, it } from 'vitest';
import { TranscriptRecorder } from '../src/smtp/transcript.js';

const clock = { now: () => 0 };

describe('TranscriptRecorder with a pipelined envelope', () => {
  it('summarises the body when MAIL/RCPT replies arrive between DATA and 354', () => {
    const r = new TranscriptRecorder(clock);
    r.push('c2s', 'MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n');
    r.push('s2c', '250 ok\r\n250 ok\r\n354 go ahead\r\n');
    r.push('c2s', 'Subject: x\r\n\r\nline one\r\nline two\r\n.\r\n');
    r.push('s2c', '250 queued\r\n');
    const texts = r.entries.map((e) => e.text);
    expect(texts).toContain('<message: 34 bytes>');
    expect(texts).not.toContain('line one');
  });

  it('ends the wait for 354 when the client sends its next command', () => {
    const r = new TranscriptRecorder(clock);
    r.push('c2s', 'DATA\r\n');
    r.push('s2c', '554 no valid recipients\r\n');
    r.push('c2s', 'QUIT\r\n');
    r.push('s2c', '354 bogus\r\n');
    r.push('c2s', 'NOOP\r\n');
    expect(r.entries.map((e) => e.text)).toEqual(['DATA', '554 no valid recipients', 'QUIT', '354 bogus', 'NOOP']);
  });
});
