import type { Socket } from 'node:net';

/** Resolves once `socket` has closed; destroys it when it takes longer than `graceMs`. */
export function closeSocket(socket: Socket, graceMs: number): Promise<void> {
  if (socket.destroyed && socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), graceMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => {});
    if (socket.destroyed) socket.destroy(); // already destroyed: 'close' follows on its own
  });
}
