import type { Clock } from '../model/clock.js';
import type { WireConnection, WireEndpoint } from '../model/result.js';

/** Bytes kept per connection; past it only lengths are kept (a pcap shows the packets, cut). */
export const MAX_CAPTURE_BYTES = 32 * 1024 * 1024;
/** Segments kept per connection; past it segments are merged into the last one's length. */
const MAX_SEGMENTS = 200_000;

/**
 * Records the raw bytes of one TCP connection both ways, as they crossed the wire (TLS records
 * included), with the run clock's times: what the pcap reporter turns into packets. Only made
 * when a run asks for it: the relay's hot path pays one `undefined` check otherwise.
 */
export class WireRecorder {
  private readonly chunks: { t: number; dir: 'c2s' | 's2c'; data: Buffer; len: number }[] = [];
  private kept = 0;
  private readonly opened: number;
  private ended?: WireConnection['end'];

  constructor(
    private readonly clock: Clock,
    readonly client: WireEndpoint,
    public server: WireEndpoint,
  ) {
    this.opened = clock.now();
  }

  push(dir: 'c2s' | 's2c', data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (buf.length === 0) return;
    const room = Math.max(0, MAX_CAPTURE_BYTES - this.kept);
    const keep = buf.length <= room ? buf : buf.subarray(0, room);
    this.kept += keep.length;
    const t = this.clock.now();
    if (this.chunks.length >= MAX_SEGMENTS) {
      const last = this.chunks[this.chunks.length - 1];
      if (last.dir === dir) {
        last.len += buf.length;
        return;
      }
    }
    // a copy only when cut: socket reads are fresh buffers nobody writes to again
    this.chunks.push({ t, dir, data: keep === buf ? buf : Buffer.from(keep), len: buf.length });
  }

  /** The first call wins: how the connection ended, and which side ended it when it was a reset. */
  end(how: 'close' | 'reset', by?: 'client' | 'server'): void {
    this.ended ??= { t: this.clock.now(), how, ...(by ? { by } : {}) };
  }

  toConnection(): WireConnection {
    return {
      client: this.client,
      server: this.server,
      t: this.opened,
      segments: this.chunks.map((c) => ({ t: c.t, dir: c.dir, data: c.data.toString('base64'), ...(c.len > c.data.length ? { len: c.len } : {}) })),
      ...(this.ended ? { end: this.ended } : {}),
    };
  }
}
