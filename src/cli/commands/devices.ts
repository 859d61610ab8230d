import { DEFAULT_KNOBS, DEFECTS, FAMILIES, KNOB_NAMES, RELEASES, knobChoices, knobText, nextRow, resolveDevice, rowsOf, setKnob, type Knobs } from '../../actors/firewall/index.js';
import { EXIT, type Command } from '../command.js';

export const devices: Command = {
  name: 'devices',
  usage: `mxlab devices                 the catalogue: device families and the PIX/ASA trains of each
mxlab devices --releases      the release table: every PIX/ASA row, its family, config dialect and defects
mxlab devices "<device>"      the rules that version applies, and the knobs that change them`,
  async run(args, io) {
    if (args.includes('--releases')) return releases(io.stdout), EXIT.ok;
    const wanted = args.filter((a) => !a.startsWith('-')).join(' ').trim();
    if (!wanted) {
      io.stdout.write('Emulated devices (product and version select the behaviour):\n\n');
      for (const f of Object.values(FAMILIES)) {
        const trains = f.cisco ? trainList(f.name as Parameters<typeof rowsOf>[0]) : f.examples.join(', ');
        io.stdout.write(`  ${f.title}\n    ${trains}${f.cisco ? '   (takes Cisco config)' : ''}\n`);
        if (f.cisco) io.stdout.write(`    e.g. ${f.examples.join(', ')}\n`);
      }
      io.stdout.write('\nmxlab devices "<device>" shows what one version does; mxlab devices --releases lists the release table.\n');
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
      const now = knobText(k, p.knobs[k] as Knobs[typeof k]);
      io.stdout.write(`  ${k} = ${now}${p.knobs[k] === DEFAULT_KNOBS[k] ? ' (default)' : ''}   (${knobChoices(k).join(' | ')})\n`);
    }
    return EXIT.ok;
  },
};

/** `pix 7.0, 7.1, 7.2 (before 7.2(3)); asa …` — the trains whose rows are in the family. */
function trainList(family: Parameters<typeof rowsOf>[0]): string {
  const byProduct = new Map<string, string[]>();
  for (const r of rowsOf(family)) {
    const next = nextRow(r);
    const train = r.from.replace(/\(.*$/, '');
    const list = byProduct.get(r.product) ?? [];
    // a train split between families: say where this family's part ends
    const label = next && next.family !== family && next.from.startsWith(`${train}(`) ? `${train} (before ${next.from})` : train;
    const at = list.findIndex((t) => t === train || t.startsWith(`${train} `));
    if (at >= 0) list[at] = label;
    else list.push(r.from.includes('(') ? `${r.from}+` : label);
    byProduct.set(r.product, list);
  }
  return [...byProduct].map(([p, ts]) => `${p} ${ts.join(', ')}`).join('; ');
}

function releases(out: NodeJS.WritableStream): void {
  out.write('PIX and ASA releases (a row holds from its release up to the next row of the product):\n\n');
  for (const r of RELEASES) {
    const until = nextRow(r)?.from;
    const span = `${r.product} ${r.from}${until ? ` … before ${until}` : ' and later'}`;
    const defects = r.defects.length ? `defects: ${r.defects.join(', ')}` : 'no known SMTP defect';
    const fixes = r.fixes?.length ? `; fixes ${r.fixes.join(', ')}` : '';
    out.write(`  ${span.padEnd(36)} ${r.family.padEnd(20)} ${r.dialect.padEnd(13)} ${defects}${fixes}\n      ${r.note}\n`);
  }
  out.write('\nDefects:\n');
  for (const [name, d] of Object.entries(DEFECTS)) out.write(`  ${name}: ${d.text}. ${d.evidence}\n`);
}
