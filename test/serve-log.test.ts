import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logRecord, MAX_PENDING_LOG } from '../src/cli/serve.js';

/** A stream whose reader stalls until `release()`: what a pipe to a busy or paused reader is to Node. */
function stalled() {
  const pending: (() => void)[] = [];
  const got: string[] = [];
  const out = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, cb) {
      got.push(chunk.toString());
      pending.push(cb);
    },
  });
  const release = () => {
    while (pending.length) pending.shift()!();
  };
  return { out, got, release };
}

describe('log records of mxlab proxy and mxlab receiver', () => {
  it('stop queueing past MAX_PENDING_LOG for a reader that fell behind, and say how many were dropped once it caught up', async () => {
    const { out, got, release } = stalled();
    const record = JSON.stringify({ type: 'connection', pad: 'x'.repeat(2000) }) + '\n';
    for (let i = 0; i < 10_000; i++) logRecord(out, record, (n) => `dropped ${n}\n`);
    // bounded: at most the cap plus the one record that crossed it (10 000 records would be 20 MB)
    expect(out.writableLength).toBeLessThanOrEqual(MAX_PENDING_LOG + record.length);
    const kept = Math.ceil(MAX_PENDING_LOG / record.length) + 1;
    // the reader catches up: everything kept arrives, then the count of what was not
    for (let i = 0; i < 100 && got.at(-1)?.startsWith('dropped') !== true; i++) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    const records = got.filter((l) => l === record).length;
    expect(records).toBeLessThanOrEqual(kept);
    expect(got.at(-1)).toBe(`dropped ${10_000 - records}\n`);
    // and records flow again
    logRecord(out, record, (n) => `dropped ${n}\n`);
    release();
    await new Promise((r) => setImmediate(r));
    expect(got.at(-1)).toBe(record);
  });

  it('write every record while the reader keeps up', () => {
    const got: string[] = [];
    const out = new Writable({ write: (c: Buffer, _e, cb) => (got.push(c.toString()), cb()) });
    for (let i = 0; i < 1000; i++) logRecord(out, `r${i}\n`, () => 'dropped\n');
    expect(got).toHaveLength(1000);
  });
});
