/**
 * Listens on an ephemeral port and tracks the accepted sockets, so `stop()` can end them all:
 * the shared start/stop of the benches' own servers.
 */
export async function listenTracked(server, host, sockets) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return {
    host,
    port: server.address().port,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
