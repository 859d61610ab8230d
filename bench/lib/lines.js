/** Minimal CRLF line handling for the bench's own SMTP peers (no limits needed: loopback, trusted peers). */

/** Calls `onLine(line)` for each CRLF-terminated line arriving on `socket`; returns a detach function. */
export function readLines(socket, onLine) {
  let buf = '';
  const onData = (d) => {
    buf += d.toString('latin1');
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      onLine(line);
    }
  };
  socket.on('data', onData);
  return () => socket.removeListener('data', onData);
}

/**
 * Client side: collects multi-line replies (`250-…` … `250 …`). `next()` resolves with the lines of the
 * next complete reply; rejects when the socket errors or closes first.
 */
export class ReplyReader {
  constructor(socket) {
    this.queue = [];
    this.waiters = [];
    this.lines = [];
    this.failure = undefined;
    this.detach = readLines(socket, (line) => {
      this.lines.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        const reply = this.lines;
        this.lines = [];
        const w = this.waiters.shift();
        if (w) w.resolve(reply);
        else this.queue.push(reply);
      }
    });
    const fail = (err) => {
      this.failure = err;
      for (const w of this.waiters.splice(0)) w.reject(err);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('connection closed')));
  }

  next() {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Resolves with the reply; rejects unless its code starts with `expect` (e.g. '2', '354'). */
  async expect(expect) {
    const reply = await this.next();
    if (!reply[reply.length - 1].startsWith(expect)) throw new Error(`expected ${expect}, got: ${reply.join(' | ')}`);
    return reply;
  }
}
