/** Bytes of firewall replies kept while they wait for the server's earlier replies. */
const MAX_OWED_BYTES = 1024 * 1024;

/**
 * Replies the firewall gives itself (PIX 4.x mailhost `250 OK`) must reach the client in command
 * order: after the server's replies to everything the client sent before. Each owed reply waits
 * for that many more final server reply lines, then goes out right after the line that completes
 * the count. Bounded: replies owed at the same point merge, and past 1 MB new ones are dropped.
 */
export class OwedReplies {
  private queue: { remaining: number; data: Buffer }[] = [];
  private bytes = 0;

  /** Queues `data` behind `outstanding` server replies; returns it when nothing is outstanding. */
  add(outstanding: number, data: Buffer): Buffer | undefined {
    if (outstanding <= 0 && this.queue.length === 0) return data;
    if (this.bytes + data.length > MAX_OWED_BYTES) return undefined;
    this.bytes += data.length;
    const last = this.queue.at(-1);
    const remaining = Math.max(outstanding, last?.remaining ?? 0);
    if (last && last.remaining === remaining) last.data = Buffer.concat([last.data, data]);
    else this.queue.push({ remaining, data });
    return undefined;
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /**
   * The server segment `seg` with owed replies inserted; `finals` are the offsets just after each
   * final reply line in it, in order.
   */
  splice(seg: Buffer, finals: readonly number[]): Buffer {
    if (!this.queue.length || !finals.length) return seg;
    const parts: Buffer[] = [];
    let from = 0;
    for (const end of finals) {
      for (const q of this.queue) q.remaining--;
      while (this.queue.length && this.queue[0].remaining <= 0) {
        const q = this.queue.shift()!;
        this.bytes -= q.data.length;
        parts.push(seg.subarray(from, end), q.data);
        from = end;
      }
    }
    if (!parts.length) return seg;
    parts.push(seg.subarray(from));
    return Buffer.concat(parts);
  }
}
