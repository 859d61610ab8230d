import { parseArgs } from 'node:util';
import type { DnsServeFile } from '../../dns/data.js';
import { startPolicyHost, type StartedPolicyHost } from '../../dns/policy-host.js';
import { startLabResolver } from '../../dns/server.js';
import { readInputFile } from '../../scenario/input-file.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { parseEndpoint } from '../endpoint.js';
import { epochClock, jsonLine, untilInterrupted } from '../serve.js';

export const dns: Command = {
  name: 'dns',
  usage: `mxlab dns --data FILE [options]

  Runs the lab resolver (and the MTA-STS policy host) of one cell. Internal: the docker runtime
  runs it in a container on every network of the cell and writes FILE for it.

  --data FILE            JSON {"data": {zones, views}, "clients": {address: {node, view}}, "policies": {domain: text}}
  --listen HOST:PORT     the resolver, UDP and TCP (default 0.0.0.0:53)
  --policy-listen H:P    the HTTPS policy host (with --cert-file and --key-file), when FILE has policies
  --cert-file F          PEM certificate chain naming every mta-sts.<domain>
  --key-file F           its private key
  --json                 JSON lines on stdout: ready, then one {"type":"dns","query":…} per query
  --epoch-origin MS      timestamps in ms since this epoch time

Answers only from FILE (NXDOMAIN for every other name); never asks another server.
Runs until interrupted: exit 130 on Ctrl-C, 143 on SIGTERM.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        listen: { type: 'string', default: '0.0.0.0:53' },
        'policy-listen': { type: 'string' },
        'cert-file': { type: 'string' },
        'key-file': { type: 'string' },
        json: { type: 'boolean', default: false },
        'epoch-origin': { type: 'string' },
      },
    });
    if (!values.data) throw new UsageError('--data FILE is required');
    let file: DnsServeFile;
    try {
      file = JSON.parse(await readInputFile(values.data, 'DNS data file', 16 * 1024 * 1024)) as DnsServeFile;
    } catch (err) {
      if ((err as { code?: string }).code) throw err;
      throw new UsageError(`--data ${values.data} is not valid JSON: ${(err as Error).message}`);
    }
    if (!file?.data?.zones || !file.data.views || !file.clients) throw new UsageError(`--data ${values.data}: expected {"data": {"zones", "views"}, "clients"}`);
    const clock = epochClock(values['epoch-origin']);
    const listen = parseEndpoint('--listen', values.listen);
    const resolver = await startLabResolver({
      data: file.data,
      listeners: [listen],
      clientOf: (_i, address) => file.clients[address.replace(/^::ffff:/, '')],
      clock,
      onQuery: (q) => (values.json ? jsonLine(io, { type: 'dns', query: q }) : io.stderr.write(`${q.node} ${q.name} ${q.type} ${q.rcode}${q.ad ? ' AD' : ''} ${q.answers.join(', ')}\n`)),
    });
    let policyHost: StartedPolicyHost | undefined;
    try {
      if (values['policy-listen'] && Object.keys(file.policies ?? {}).length) {
        if (!values['cert-file'] || !values['key-file']) throw new UsageError('--policy-listen needs --cert-file and --key-file');
        const at = parseEndpoint('--policy-listen', values['policy-listen']);
        const cert = await readInputFile(values['cert-file'], 'PEM file', 1024 * 1024);
        const key = await readInputFile(values['key-file'], 'PEM file', 1024 * 1024);
        policyHost = await startPolicyHost({ policies: file.policies!, cert, key, host: at.host, port: at.port, onRequest: (r) => values.json && jsonLine(io, { type: 'policy-request', t: clock.now(), ...r }) });
      }
      const ready = { type: 'ready', dns: resolver.addresses[0], ...(policyHost ? { policyHost: { host: policyHost.host, port: policyHost.port } } : {}) };
      if (values.json) jsonLine(io, ready);
      else io.stderr.write(`mxlab dns: listening on ${resolver.addresses[0].host}:${resolver.addresses[0].port}${policyHost ? `, policies on ${policyHost.host}:${policyHost.port}` : ''}\n`);
      await untilInterrupted(io);
    } finally {
      await Promise.all([resolver.stop(), policyHost?.stop()]);
    }
    // stopped by the user: 130 (SIGINT) or 143 (SIGTERM), like every command
    return EXIT.sigint;
  },
};
