import { EXIT, UsageError, type Command } from '../command.js';
import { readInputFile } from '../../scenario/input-file.js';
import type { DkimKey, MessageSpec, SenderOptions } from '../../actors/sender/index.js';

const USAGE = `mxlab deliver --sender-json JSON --message-json JSON --target HOST:PORT [options]

  Runs the builtin sender and prints one JSON line per message on stdout as it finishes: the
  DeliveryResult with the message's "id". Internal: the docker runtime runs it inside the mxlab
  node image, once per sender node with all of its messages.

  --sender-json JSON     SenderOptions without clock: {"name","hostname","tls","timeoutMs",…}
  --message-json JSON    MessageSpec {"id","from","to","subject","headers","size","starttls","dkim"}, or a list of them
  --message-file FILE    the same JSON in a file (for many messages)
  --concurrency N        sessions at once (default 20, Postfix's default_destination_concurrency_limit)
  --target HOST:PORT     the next hop (or, with --resolver, routing by the recipient domain's MX records)
  --resolver HOST:PORT   the lab resolver: route through it (MX, A, TLSA, MTA-STS)
  --address-map JSON     {"address": "node"}: the node at each address of the cell
  --servername NAME      SNI and the name checked under tls: verify
  --node NAME            the next hop's node name (default: HOST)
  --ca-file FILE         PEM trusted under tls: verify
  --dkim-key-file FILE   JSON DkimKey {"domain","selector","privateKey","publicKey","dnsRecord"}
  --epoch-origin MS      timestamps = Date.now() - MS (share the run's timeline)
  exit codes: 0 a result was printed (whatever the outcome), 2 usage`;

function parse(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    const v = args[i + 1];
    if (v === undefined) throw new UsageError(`${a} needs a value`);
    out[a.slice(2)] = v;
    i++;
  }
  return out;
}

function json<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new UsageError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Internal verb: one delivery by the builtin sender, the result as a JSON line. */
export const deliverCommand: Command = {
  name: 'deliver',
  usage: USAGE,
  async run(args, io) {
    const o = parse(args);
    if (!o['sender-json']) throw new UsageError('--sender-json is required');
    if (!o.target && !o.resolver) throw new UsageError('--target or --resolver is required');
    if (!o['message-json'] && !o['message-file']) throw new UsageError('--message-json or --message-file is required');
    const hostPort = (flag: string, v: string) => {
      const x = /^(.+):(\d{1,5})$/.exec(v);
      if (!x) throw new UsageError(`${flag} must be HOST:PORT, got "${v}"`);
      return { host: x[1], port: Number(x[2]) };
    };
    const at = o.target ? hostPort('--target', o.target) : undefined;
    const origin = o['epoch-origin'] !== undefined ? Number(o['epoch-origin']) : Date.now();
    if (!Number.isFinite(origin)) throw new UsageError('--epoch-origin must be a number of ms');
    const clock = { now: () => performance.timeOrigin + performance.now() - origin };
    const sender = { ...json<Omit<SenderOptions, 'clock'>>(o['sender-json'], '--sender-json'), clock } as SenderOptions;
    if (o['ca-file']) sender.ca = await readInputFile(o['ca-file'], 'PEM file', 1024 * 1024);
    if (o.resolver) {
      const { PolicyCache } = await import('../../actors/sender/index.js');
      sender.dns = { server: hostPort('--resolver', o.resolver), nodes: o['address-map'] ? json<Record<string, string>>(o['address-map'], '--address-map') : {}, policies: new PolicyCache(clock) };
    }
    const text = o['message-json'] ?? (await readInputFile(o['message-file'], 'message file', 16 * 1024 * 1024));
    // a message may carry `attempt` (1-based): the sender's plaintext fallback depends on it
    const given = json<(MessageSpec & { attempt?: number }) | (MessageSpec & { attempt?: number })[]>(text, o['message-json'] ? '--message-json' : '--message-file');
    const messages = Array.isArray(given) ? given : [given];
    const concurrency = o.concurrency === undefined ? 20 : Number(o.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number, got "${o.concurrency}"`);
    const dkim = o['dkim-key-file'] ? json<DkimKey>(await readInputFile(o['dkim-key-file'], 'DKIM key file', 1024 * 1024), '--dkim-key-file') : undefined;
    const { deliver } = await import('../../actors/sender/index.js');
    const target = at && !o.resolver ? { ...at, node: o.node ?? at.host, ...(o.servername ? { servername: o.servername } : {}) } : undefined;
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const message = messages[next++];
        const result = await deliver(sender, message, target, dkim ? { dkim } : undefined, message.attempt ?? 1);
        io.stdout.write(JSON.stringify({ id: message.id, ...result }) + '\n');
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, worker));
    return EXIT.ok;
  },
};
