/**
 * What must still be undone when the user insists (a second Ctrl-C): the CLI's first interrupt
 * lets a run stop and clean up by itself; a second one runs these cleanups at once (each bounded
 * by the caller's deadline), then exits. A runtime registers what only it knows how to remove
 * (the docker runtime: every container and network carrying its run label) and unregisters it
 * once it removed them itself. Imports nothing internal: every folder may use it.
 */

type Cleanup = () => Promise<unknown>;

const cleanups = new Set<Cleanup>();

/** Registers `fn` for a forced exit; returns the function that unregisters it. */
export function onForcedExit(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every registered cleanup at once; resolves when all settled or after `ms`, whichever is first. */
export async function runForcedCleanups(ms: number): Promise<void> {
  const all = [...cleanups].map((fn) => Promise.resolve().then(fn).catch(() => undefined));
  cleanups.clear();
  if (!all.length) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(all), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
