import { describe, expect, it } from 'vitest';
import { parseRecord } from '../src/runtime/collect/records.js';
import { LineLog } from '../src/runtime/docker/line-log.js';

describe('a container log read as lines', () => {
  it('keeps a JSON record whole however long (a receiver record with 64 KiB of headers), and cuts other lines at 64 KiB', () => {
    const log = new LineLog();
    const record = JSON.stringify({ type: 'connection', headers: ['X: ' + '\u0001'.repeat(70_000)] });
    expect(record.length).toBeGreaterThan(400_000);
    // as a stream delivers it: in pieces
    for (let at = 0; at < record.length; at += 65_536) log.push(record.slice(at, at + 65_536));
    log.push('\nplain ' + 'x'.repeat(100_000) + '\n');
    expect(log.lines).toHaveLength(2);
    expect(parseRecord(log.lines[0])?.type).toBe('connection');
    expect(log.lines[1].length).toBe(64 * 1024);
  });
});
