import { CODE, MxlabError } from '../../errors.js';
import { parseArgs } from 'node:util';
import { FirewallConfigError, profileFromJson, startFirewall, type DeviceProfile, type FirewallConnection } from '../../actors/firewall/index.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { parseEndpoint, positiveMs } from '../endpoint.js';
import { epochClock, jsonLine, jsonRecord, onControl, textRecord, SERVER_TRANSCRIPT_ENTRIES, untilInterrupted } from '../serve.js';
import { readInputFile, readTextFile } from '../../scenario/input-file.js';
import { LIMITS } from '../../scenario/schema.js';

export const proxy: Command = {
  name: 'proxy',
  usage: `mxlab proxy --device "<device>" --upstream HOST:PORT [options]

  --device D            e.g. "asa 9.12(4)", "pix 6.3(5)", "none" (see mxlab devices)
  --profile FILE        a resolved device profile (JSON, as the docker runtime writes it) instead of --device/--config
  --upstream HOST:PORT  the real server behind the emulator
  --listen HOST:PORT    where clients connect (default 127.0.0.1:2525)
  --config FILE         device configuration in the device's own syntax (a whole show running-config names the device)
  --knob NAME=VALUE     set an INFERRED behaviour (repeatable; see mxlab devices "<device>")
  --idle-timeout MS     close a connection whose client side is silent this long (default: the config's timeout conn, else 300000)
  --json                JSON lines on stdout (ready, event, connection) instead of log lines on stderr; records
                        a slow reader left 8 MiB behind are counted in a dropped line (never with --capture)
  --capture             with --json: each connection record carries both connections' raw bytes
                        (clientWire, serverWire: base64, for pcaps; at most 32 MiB kept per connection)
  --epoch-origin MS     timestamps in ms since this epoch time (to share a runner's timeline)

Runs until interrupted: exit 130 on Ctrl-C, 143 on SIGTERM. Each applied rule is logged like the device's syslog.
SIGHUP reads --profile (or --config) again: new connections get the new rules (a timeline step, or an
admin's config change); SIGUSR1 closes the port, SIGUSR2 opens it again.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        device: { type: 'string' },
        profile: { type: 'string' },
        upstream: { type: 'string' },
        listen: { type: 'string' },
        config: { type: 'string' },
        knob: { type: 'string', multiple: true },
        'idle-timeout': { type: 'string' },
        json: { type: 'boolean', default: false },
        capture: { type: 'boolean', default: false },
        'epoch-origin': { type: 'string' },
      },
    });
    if (values.capture && !values.json) throw new UsageError('--capture records raw bytes into the --json connection records: give --json too');
    if (!values.device && !values.profile && !values.config) throw new UsageError('--device is required, e.g. --device "asa 9.12(4)" (or --config FILE with the config\'s "ASA Version …" line)');
    if (values.profile && (values.device || values.config || values.knob?.length)) throw new UsageError('--profile is the whole device: give it without --device, --config or --knob');
    let profile: DeviceProfile | undefined;
    if (values.profile) {
      const text = await readInputFile(values.profile, 'device profile', LIMITS.config * 4);
      const r = profileFromJson(text);
      if (!r.ok) throw new UsageError(`Failed to read --profile ${values.profile}: ${r.error}`);
      profile = r.profile;
    }
    const upstream = parseEndpoint('--upstream', values.upstream);
    const listen = parseEndpoint('--listen', values.listen, '127.0.0.1:2525');
    const knobs: Record<string, string> = {};
    for (const k of values.knob ?? []) {
      const [name, value] = k.split('=');
      if (!name || value === undefined) throw new UsageError(`--knob expects NAME=VALUE, got "${k}"`);
      knobs[name] = value;
    }
    let config: string | undefined;
    if (values.config) {
      config = await readTextFile(values.config, 'device configuration', LIMITS.config);
    }
    const idleTimeoutMs = positiveMs('--idle-timeout', values['idle-timeout']);
    const clock = epochClock(values['epoch-origin']);
    // each connection is reported as it closes, then forgotten: a proxy that runs for days keeps no history.
    // With --capture a record carries the connection's bytes (up to 64 MiB of base64) for the runner that
    // asked for them: none is dropped for a reader that fell behind (a second large one would be)
    const record = values.capture ? jsonLine : jsonRecord;
    const report = (c: FirewallConnection) =>
      void c.closed.then(() => {
        if (values.json) record(io, { type: 'connection', id: c.id, clientPort: c.clientPort, upstreamLocalPort: c.upstreamLocalPort, clientHop: c.clientHop.entries, serverHop: c.serverHop.entries, events: c.events, ...(c.eventsDropped ? { eventsDropped: c.eventsDropped } : {}), ...(c.clientWire && c.serverWire ? { clientWire: c.clientWire.toConnection(), serverWire: c.serverWire.toConnection() } : {}) });
        else {
          const n = c.events.length + c.eventsDropped;
          textRecord(io, `mxlab proxy: connection ${c.id} from port ${c.clientPort} closed (${n} rule event${n === 1 ? '' : 's'})\n`, 'mxlab proxy');
        }
      });
    let fw;
    try {
      const knobLines = Object.entries(knobs).map(([k, v]) => `! mxlab knob ${k} ${v}`).join('\n');
      fw = await startFirewall({
        name: 'proxy',
        profile,
        device: values.device,
        config: [config, knobLines].filter(Boolean).join('\n') || undefined,
        clock,
        upstream,
        host: listen.host,
        port: listen.port,
        idleTimeoutMs,
        onEvent: (e) => (values.json ? record(io, { type: 'event', ...e }) : textRecord(io, `${e.log}\n`, 'mxlab proxy')),
        onConnection: report,
        keepClosed: 0,
        capture: values.capture,
        transcriptEntries: SERVER_TRANSCRIPT_ENTRIES,
        maxEventsPerConnection: SERVER_TRANSCRIPT_ENTRIES,
      });
    } catch (err) {
      if (err instanceof FirewallConfigError) {
        for (const e of err.errors) {
          const where = e.line === 0 ? (values.device !== undefined ? `--device "${values.device}"` : `--config ${values.config}`) : `${values.config ?? '--knob'}:${e.line}:${e.col}`;
          io.stderr.write(`${where}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}\n`);
        }
        return EXIT.invalid;
      }
      throw err;
    }
    if (values.json) jsonLine(io, { type: 'ready', host: fw.host, port: fw.port, device: fw.profile.device });
    else io.stderr.write(`mxlab proxy: ${fw.profile.device} listening on ${fw.host}:${fw.port}, forwarding to ${upstream.host}:${upstream.port} (Ctrl-C to stop)\n`);
    const started = fw;
    const off = onControl(io, values.json, {
      async reload() {
        if (values.profile) {
          const r = profileFromJson(await readInputFile(values.profile, 'device profile', LIMITS.config * 4));
          if (!r.ok) throw new MxlabError(CODE.FIREWALL_CONFIG, `Failed to read --profile ${values.profile}: ${r.error}.`);
          started.reconfigure({ profile: r.profile });
        } else {
          const text = values.config ? await readTextFile(values.config, 'device configuration', LIMITS.config) : undefined;
          const knobLines = Object.entries(knobs).map(([k, v]) => `! mxlab knob ${k} ${v}`).join('\n');
          started.reconfigure({ device: values.device, config: [text, knobLines].filter(Boolean).join('\n') || undefined });
        }
        return started.profile.device;
      },
      listening: (on) => started.setListening(on),
    });
    await untilInterrupted(io);
    off();
    await fw.stop();
    // stopped by the user: 130 (SIGINT) or 143 (SIGTERM), like every command
    return EXIT.sigint;
  },
};

