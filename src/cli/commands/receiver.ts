import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { personas, startReceiver, type PersonaName, type ReceiverConnection } from '../../actors/receiver/index.js';
import { generateRunCertificates, type RunCertificates } from '../../tls/certs.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { RECEIVER_TLS, TLS_FAULTS, type TlsFault } from '../../vocabulary.js';
import { parseEndpoint, positiveMs } from '../endpoint.js';
import { epochClock, jsonLine, jsonRecord, onControl, textRecord, SERVER_TRANSCRIPT_ENTRIES, untilInterrupted } from '../serve.js';
import { readInputFile } from '../../scenario/input-file.js';
import { hostname } from '../../scenario/schema.js';

const TLS = RECEIVER_TLS;

export const receiver: Command = {
  name: 'receiver',
  usage: `mxlab receiver --persona P [options]

  --persona P           ${Object.keys(personas).join(' | ')}
  --tls T               off | preferred (default) | required
  --tls-fault F         a broken TLS service: ${TLS_FAULTS.filter((f) => f !== 'none').join(' | ')}
                        (certificate faults make their certificate at start; with --cert-file the
                        file is presented as it is; see docs/tls-faults.md)
  --settings FILE       JSON {"tls", "size", "tls-fault"}: read at start and again on SIGHUP
  --size N              advertised and enforced SIZE
  --hostname H          banner and EHLO name (default esa.example.com)
  --listen HOST:PORT    default 127.0.0.1:2525
  --cert-file F         PEM certificate to present (with --key-file); default: a self-signed one made at start
  --key-file F          PEM private key of --cert-file
  --idle-timeout MS     close a silent connection after this long (default 30000)
  --json                JSON lines on stdout (ready, connection; dropped when a slow reader fell 8 MiB behind)
                        instead of transcripts on stderr
  --keylog              with --json: each connection record carries its TLS key log (NSS format, for pcaps)
  --epoch-origin MS     timestamps in ms since this epoch time

Without --cert-file a self-signed certificate for the hostname is made at start (never written to disk).
Runs until interrupted: exit 130 on Ctrl-C, 143 on SIGTERM. SIGHUP reads --settings and the certificate
files again (new connections get them), SIGUSR1 closes the port, SIGUSR2 opens it again.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        persona: { type: 'string' },
        tls: { type: 'string', default: 'preferred' },
        'tls-fault': { type: 'string', default: 'none' },
        size: { type: 'string' },
        hostname: { type: 'string', default: 'esa.example.com' },
        listen: { type: 'string' },
        'cert-file': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'key-file': { type: 'string' },
        json: { type: 'boolean', default: false },
        keylog: { type: 'boolean', default: false },
        'epoch-origin': { type: 'string' },
        settings: { type: 'string' },
      },
    });
    if (values.keylog && !values.json) throw new UsageError('--keylog records TLS keys into the --json connection records: give --json too');
    const persona = values.persona;
    const fromFile = values.settings ? await readSettings(values.settings) : {};
    if (fromFile.tls !== undefined) values.tls = fromFile.tls;
    if (fromFile.size !== undefined) values.size = String(fromFile.size);
    if (fromFile.tlsFault !== undefined) values['tls-fault'] = fromFile.tlsFault;
    if (!persona || !(persona in personas)) throw new UsageError(`--persona must be one of ${Object.keys(personas).join(', ')}, got ${persona ? `"${persona}"` : 'nothing'}`);
    if (!(TLS as readonly string[]).includes(values.tls)) throw new UsageError(`--tls must be one of ${TLS.join(', ')}, got "${values.tls}"`);
    const fault = values['tls-fault'];
    if (!(TLS_FAULTS as readonly string[]).includes(fault)) throw new UsageError(`--tls-fault must be one of ${TLS_FAULTS.join(', ')}, got "${fault}"`);
    const size = values.size === undefined ? undefined : Number(values.size);
    if (size !== undefined && !(Number.isInteger(size) && size > 0)) throw new UsageError(`--size must be a positive whole number, got "${values.size}"`);
    const host = hostname.safeParse(values.hostname);
    if (!host.success) throw new UsageError(`--hostname expects ${host.error.issues[0].message}, got ${values.hostname.length > 60 ? `${values.hostname.length} characters` : `"${values.hostname}"`}`);
    const listen = parseEndpoint('--listen', values.listen, '127.0.0.1:2525');
    // each connection is reported as it closes, then forgotten: a receiver that runs for days keeps no history
    const report = (c: ReceiverConnection) =>
      void c.closed.then(() => {
        if (values.json) {
          const keylog = c.keylog();
          jsonRecord(io, { type: 'connection', id: c.id, remotePort: c.remotePort, transcript: c.recorder.entries, view: c.view(), ...(keylog ? { keylog } : {}) });
        }
        else textRecord(io, `connection ${c.id} from port ${c.remotePort}:\n${c.recorder.entries.map((e) => `  ${e.dir === 'c2s' ? 'C:' : 'S:'} ${e.tls ? '[tls] ' : ''}${e.text}`).join('\n')}\n`, 'mxlab receiver');
      });
    const r = await startReceiver({
      name: 'receiver',
      persona: persona as PersonaName,
      hostname: values.hostname,
      tls: values.tls as (typeof TLS)[number],
      tlsFault: fault as TlsFault,
      size,
      certs: await certificates(values['cert-file'], values['key-file'], values.hostname),
      clock: epochClock(values['epoch-origin']),
      host: listen.host,
      port: listen.port,
      idleTimeoutMs: positiveMs('--idle-timeout', values['idle-timeout']),
      onConnection: report,
      keepClosed: 0,
      keylog: values.keylog,
      transcriptEntries: SERVER_TRANSCRIPT_ENTRIES,
    });
    if (values.json) jsonLine(io, { type: 'ready', host: r.host, port: r.port, persona });
    else io.stderr.write(`mxlab receiver: ${persona} (${values.hostname}, tls ${values.tls}${fault !== 'none' ? `, tls-fault ${fault}` : ''}) listening on ${r.host}:${r.port} (Ctrl-C to stop)\n`);
    const off = onControl(io, values.json, {
      async reload() {
        const next = values.settings ? await readSettings(values.settings) : {};
        const certs = values['cert-file'] ? await certificates(values['cert-file'], values['key-file'], values.hostname) : undefined;
        await r.reconfigure({ ...next, ...(certs ? { certs } : {}) });
        return `tls ${next.tls ?? '(unchanged)'}, tls-fault ${next.tlsFault ?? '(unchanged)'}`;
      },
      listening: (on) => r.setListening(on),
    });
    await untilInterrupted(io);
    off();
    await r.stop();
    // stopped by the user: 130 (SIGINT) or 143 (SIGTERM), like every command
    return EXIT.sigint;
  },
};

async function certificates(certFile: string | undefined, keyFile: string | undefined, hostname: string): Promise<RunCertificates> {
  if (!certFile && !keyFile) return generateRunCertificates([hostname]);
  if (!certFile || !keyFile) throw new UsageError('--cert-file and --key-file go together');
  const read = (f: string) => readInputFile(f, 'PEM file', 1024 * 1024);
  const [cert, key] = await Promise.all([read(certFile), read(keyFile)]);
  try {
    // what the TLS service will be made of, checked before the port is opened (a bad file was 'internal error')
    tls.createSecureContext({ cert, key });
  } catch (err) {
    throw new UsageError(`Failed to use --cert-file ${certFile} with --key-file ${keyFile}: ${pemProblem(err as Error)}. Did you give a PEM certificate and its own private key?`);
  }
  return { cert, key, ca: cert, hostnames: [hostname] };
}

/** OpenSSL's reason for a certificate or key it refused, in words. */
function pemProblem(err: Error): string {
  const m = err.message;
  if (/no start line/i.test(m)) return 'no PEM block found (a file starting with -----BEGIN …)';
  if (/key values mismatch/i.test(m)) return 'the private key does not belong to the certificate';
  if (/bad decrypt|bad password|interrupted or cancelled/i.test(m)) return 'the private key is encrypted (mxlab reads unencrypted keys only)';
  return `OpenSSL refused it (${m.replace(/^error:[0-9A-F]+:/, '')})`;
}

/** `--settings FILE`: the receiver settings a timeline step changes, as JSON. */
async function readSettings(file: string): Promise<{ tls?: (typeof TLS)[number]; size?: number; tlsFault?: TlsFault }> {
  const text = await readInputFile(file, 'receiver settings', 64 * 1024);
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`Failed to read --settings ${file}: ${(err as Error).message}`);
  }
  const out: { tls?: (typeof TLS)[number]; size?: number; tlsFault?: TlsFault } = {};
  if (v.tls !== undefined) {
    if (!(TLS as readonly unknown[]).includes(v.tls)) throw new UsageError(`Failed to read --settings ${file}: tls must be one of ${TLS.join(', ')}`);
    out.tls = v.tls as (typeof TLS)[number];
  }
  if (v.size !== undefined) {
    if (!Number.isInteger(v.size) || (v.size as number) <= 0) throw new UsageError(`Failed to read --settings ${file}: size must be a positive whole number`);
    out.size = v.size as number;
  }
  if (v['tls-fault'] !== undefined) {
    if (!(TLS_FAULTS as readonly unknown[]).includes(v['tls-fault'])) throw new UsageError(`Failed to read --settings ${file}: tls-fault must be one of ${TLS_FAULTS.join(', ')}`);
    out.tlsFault = v['tls-fault'] as TlsFault;
  }
  return out;
}
