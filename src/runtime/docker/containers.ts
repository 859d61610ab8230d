import type { StartedTestContainer } from 'testcontainers';
import { HarnessError } from '../types.js';
import { LogFeed, type LineLog } from './line-log.js';
import { LABEL } from './labels.js';
import { runtimeClient, testcontainers } from './tc.js';
import { CODE } from '../../errors.js';

export interface NodeContainerSpec {
  /** scenario node name */
  node: string;
  /** container name = its DNS name on the cell's networks */
  name: string;
  image: string;
  /** first network (withNetworkMode: never the default bridge) */
  network: string;
  /** more networks, attached after start */
  extraNetworks?: string[];
  labels: Record<string, string>;
  env?: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
  files?: { content: string; target: string; mode?: number }[];
  /** a log line that says the node is ready */
  ready: RegExp;
  /** the node logs to this file, not stdout (a generic MTA): it is followed with tail -F */
  logFile?: string;
  startupMs?: number;
  /** the epoch origin (ms) the node program's command stamps its records with (`--epoch-origin`) */
  origin?: number;
  /** what a later cell may change in this container without recreating it (see reuse.ts) */
  reload?: Reload;
}

/**
 * How a container takes a later cell's settings in place: `files` — its files are copied in and
 * read when used (the builtin sender); `signal` — files copied in, then SIGHUP to the node program,
 * acknowledged `reloaded` (firewall, recording hop, persona receiver); `mta` — files and the
 * environment contract (`/etc/mxlab/env`) copied in, then `ENTRYPOINT reconfigure`, done when the
 * MTA logs `reloaded` (a real MTA with mxlab's entrypoint); `never` — a new container every cell (a
 * generic MTA: nothing can empty its queue). Absent: only an identical spec is reused.
 */
export type Reload =
  | { how: 'never' }
  | { how: 'files' }
  | { how: 'signal' }
  | { how: 'mta'; entrypoint: string; reloaded: RegExp; maildir?: string };

export interface NodeContainer {
  node: string;
  name: string;
  container: StartedTestContainer;
  /** what the container printed (stdout + stderr) since its cell began, as lines */
  logs: LineLog;
  /** the spec it runs now (files and environment as last written) */
  spec: NodeContainerSpec;
  /** the output feed: `feed.fence()` gives a fresh `logs` for the next cell */
  feed: LogFeed;
  /** the epoch origin its node program stamps records with (set at start: a reused container keeps it) */
  origin?: number;
  /** a timeline step changed it: not reused by a later cell */
  dirty?: boolean;
  /** a real MTA that did not deliver every message of its cell: not reused by a later cell */
  unclean?: boolean;
  /** the line the runtime put in its /etc/hosts (a real MTA sender's next hop) */
  hostsLine?: string;
}

/** Starts one node container on an internal network, ready by log line (no port waits there). */
export async function startNodeContainer(spec: NodeContainerSpec, networkIds: Record<string, string>): Promise<NodeContainer> {
  const tc = await testcontainers();
  let c = new tc.GenericContainer(spec.image)
    .withName(spec.name)
    .withNetworkMode(spec.network)
    .withLabels({ ...spec.labels, [LABEL.node]: spec.node })
    .withEnvironment(spec.env ?? {})
    .withWaitStrategy(
      spec.logFile
        ? tc.Wait.forSuccessfulCommand(`grep -qE ${shellQuote(spec.ready.source)} ${shellQuote(spec.logFile)}`)
        : tc.Wait.forLogMessage(spec.ready),
    )
    .withStartupTimeout(spec.startupMs ?? 30_000);
  if (spec.command) c = c.withCommand(spec.command);
  if (spec.entrypoint) c = c.withEntrypoint(spec.entrypoint);
  if (spec.files?.length) c = c.withCopyContentToContainer(spec.files);
  let container: StartedTestContainer;
  try {
    container = await c.start();
  } catch (err) {
    throw new HarnessError(CODE.CONTAINER_START, `node ${spec.node} (${spec.image}) did not become ready: ${(err as Error).message.split('\n')[0]}`, `docker logs ${spec.name}`);
  }
  const feed = new LogFeed();
  feed.attach((spec.logFile ? await followFile(container, spec.logFile) : await container.logs()) as import('node:stream').Readable);
  if (spec.extraNetworks?.length) {
    const client = await runtimeClient();
    const handle = client.container.getById(container.getId());
    for (const net of spec.extraNetworks) {
      await client.container.connectToNetwork(handle, client.network.getById(networkIds[net]), []);
    }
  }
  return { node: spec.node, name: spec.name, container, logs: feed.current, spec, feed, ...(spec.origin !== undefined ? { origin: spec.origin } : {}) };
}

/** Runs argv in the container; throws a HarnessError on a non-zero exit. */
export async function execOk(c: NodeContainer, argv: string[], what: string): Promise<string> {
  const r = await c.container.exec(argv);
  if (r.exitCode !== 0) {
    throw new HarnessError(CODE.CONTAINER_EXEC, `${what} in ${c.node} failed (exit ${r.exitCode}): ${(r.stderr || r.output).trim().slice(-500)}`);
  }
  return r.stdout;
}

/**
 * Runs argv in the container and hands each line of its stdout to `onLine` as it comes (a
 * program that reports as it goes, like `mxlab deliver`); throws a HarnessError on a non-zero exit.
 */
export async function execLines(c: NodeContainer, argv: string[], what: string, onLine: (line: string) => void): Promise<void> {
  const client = await runtimeClient();
  const handle = client.container.getById(c.container.getId());
  const exec = await handle.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const { PassThrough } = await import('node:stream');
  const out = new PassThrough();
  const err = new PassThrough();
  let stderr = '';
  let stdout = '';
  let rest = '';
  err.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4000)));
  out.on('data', (d: Buffer) => {
    const text = rest + d.toString('utf8');
    stdout = (stdout + d.toString('utf8')).slice(-4000);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l);
  });
  client.container.dockerode.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (rest) onLine(rest);
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new HarnessError(CODE.CONTAINER_EXEC, `${what} in ${c.node} failed (exit ${ExitCode}): ${(stderr || stdout).trim().slice(-500)}`);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A file in the container as a stream of its lines, from its start on (`tail -F` in an exec). */
async function followFile(container: StartedTestContainer, path: string): Promise<NodeJS.ReadableStream> {
  const client = await runtimeClient();
  const handle = client.container.getById(container.getId());
  const exec = await handle.exec({ Cmd: ['tail', '-n', '+1', '-F', path], AttachStdout: true, AttachStderr: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const { PassThrough } = await import('node:stream');
  const out = new PassThrough();
  client.container.dockerode.modem.demuxStream(stream, out, new PassThrough());
  stream.on('end', () => out.end());
  return out;
}
