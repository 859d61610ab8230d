/**
 * The bench's minimal SMTP server (lib/mini-server.js) as its own process, the floor of the concurrency bench:
 *   node bench/lib/mini-server-main.js [--tls]
 * With --tls it offers STARTTLS with an EC certificate made at start (as mxlab receiver makes one). Prints one
 * JSON line {"type":"ready","host","port"} on stdout; stops on SIGINT/SIGTERM.
 */
import tls from 'node:tls';
import { generateRunCertificates } from '../../dist/tls/certs.js';
import { startMiniServer } from './mini-server.js';

const withTls = process.argv.includes('--tls');
const certs = withTls ? await generateRunCertificates(['esa.example.com']) : undefined;
const server = await startMiniServer({ hostname: 'esa.example.com', ...(certs ? { secureContext: tls.createSecureContext({ key: certs.key, cert: certs.cert }) } : {}) });
process.stdout.write(JSON.stringify({ type: 'ready', host: server.host, port: server.port }) + '\n');
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => void server.stop().then(() => process.exit(0)));
