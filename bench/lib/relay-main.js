/**
 * The plain TCP relay as its own process, the way bench 2 runs every hop in its separate-process layout:
 *   node bench/lib/relay-main.js HOST:PORT
 * Prints one JSON line {"type":"ready","host","port"} on stdout (as `mxlab proxy --json` does); stops on SIGINT/SIGTERM.
 */
import { startTcpRelay } from './tcp-relay.js';

const [host, port] = (process.argv[2] ?? '').split(':');
const relay = await startTcpRelay({ upstream: { host, port: Number(port) } });
process.stdout.write(JSON.stringify({ type: 'ready', host: relay.host, port: relay.port }) + '\n');
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => void relay.stop().then(() => process.exit(0)));
