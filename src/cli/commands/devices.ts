import { DEFAULT_KNOBS, FAMILIES, KNOB_NAMES, knobChoices, knobText, resolveDevice, setKnob, type Knobs } from '../../actors/firewall/index.js';
import { EXIT, type Command } from '../command.js';

export const devices: Command = {
  name: 'devices',
  usage: `mxlab devices                 the catalogue: device families and example versions
mxlab devices "<device>"      the rules that version applies, and the knobs that change them`,
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
    // a knob is listed when one of its values gives this device other rules: found by trying each value
    const rules = JSON.stringify(p.summary);
    const matters = (k: keyof Knobs) =>
      knobChoices(k).some((v) => {
        const knobs: Partial<Knobs> = {};
        setKnob(knobs, k, v);
        const other = resolveDevice(wanted, undefined, knobs);
        return other.ok && JSON.stringify(other.profile.summary) !== rules;
      });
    const relevant = KNOB_NAMES.filter(matters);
    if (relevant.length === 0) {
      io.stdout.write('\nNo knob changes what this device does.\n');
      return EXIT.ok;
    }
    io.stdout.write(`\nKnobs that change it (set with "! mxlab knob NAME VALUE" in config:, or --knob NAME=VALUE for mxlab proxy):\n`);
    for (const k of relevant) {
      const now = knobText(k, p.knobs[k]);
      io.stdout.write(`  ${k} = ${now}${p.knobs[k] === DEFAULT_KNOBS[k] ? ' (default)' : ''}   (${knobChoices(k).join(' | ')})\n`);
    }
    return EXIT.ok;
  },
};
