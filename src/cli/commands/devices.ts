import { DEFAULT_KNOBS, FAMILIES, KNOB_NAMES, resolveDevice } from '../../actors/firewall/index.js';
import { EXIT, type Command } from '../command.js';

export const devices: Command = {
  name: 'devices',
  usage: `mxlab devices                 the catalogue: device families and example versions
mxlab devices "<device>"      the rules that version applies, with its knobs and their defaults`,
  async run(args, io) {
    const wanted = args.filter((a) => !a.startsWith('-')).join(' ').trim();
    if (!wanted) {
      io.stdout.write('Emulated devices (product and version select the behaviour):\n\n');
      for (const f of Object.values(FAMILIES)) {
        io.stdout.write(`  ${f.title}\n    ${f.examples.join(', ')}${f.cisco ? '   (takes Cisco config)' : ''}\n`);
      }
      io.stdout.write('\nmxlab devices "<device>" shows what one version does.\n');
      return EXIT.ok;
    }
    const r = resolveDevice(wanted);
    if (!r.ok) {
      for (const e of r.errors) io.stderr.write(`mxlab devices: ${e.message}${e.hint ? ` — ${e.hint}` : ''}\n`);
      return EXIT.invalid;
    }
    const p = r.profile;
    io.stdout.write(`${p.device} — ${FAMILIES[p.family as keyof typeof FAMILIES]?.title ?? p.family}\n`);
    io.stdout.write(`SMTP inspection: ${p.inspecting ? 'on' : 'off'}; log lines: ${p.syslogPrefix}\n\nRules, in order:\n`);
    for (const line of p.summary) io.stdout.write(`  - ${line}\n`);
    io.stdout.write(`\nKnobs (set with "! mxlab knob NAME VALUE" in config:, or --knob NAME=VALUE for mxlab proxy):\n`);
    for (const k of KNOB_NAMES) io.stdout.write(`  ${k} = ${String(p.knobs[k])}${p.knobs[k] === DEFAULT_KNOBS[k] ? ' (default)' : ''}\n`);
    return EXIT.ok;
  },
};
