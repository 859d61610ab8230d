import { parseArgs } from 'node:util';
import { DEFECTS, FAMILIES, RELEASES, nextRow, resolveDevice, rowsOf } from '../../actors/firewall/index.js';
import { readTextFile } from '../../scenario/input-file.js';
import { LIMITS } from '../../scenario/schema.js';
import { explainFirewall } from '../firewall-explain.js';
import { EXIT, UsageError, type Command } from '../command.js';

export const devices: Command = {
  name: 'devices',
  usage: `mxlab devices                            the catalogue: device families and the PIX/ASA trains of each
mxlab devices --releases                 the release table: every PIX/ASA row, its family, config dialect and defects
mxlab devices "<device>"                 what that release does: its row, the rules in order, the knobs that change them
mxlab devices --config FILE [--device D] the same for a configuration (e.g. a saved show running-config): the
                                         lines that took effect, the map in force in the device's words, the rules;
                                         a config with its "ASA Version …" line needs no --device (D must agree)
  exit codes: 0 shown, 2 an unknown device or a config the device rejects`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { releases: { type: 'boolean' }, config: { type: 'string' }, device: { type: 'string' } } });
    if (values.releases) return releases(io.stdout), EXIT.ok;
    const wanted = (values.device ?? positionals.join(' ')).trim() || undefined;
    if (!wanted && !values.config) {
      io.stdout.write('Emulated devices (product and version select the behaviour):\n\n');
      for (const f of Object.values(FAMILIES)) {
        const trains = f.cisco ? trainList(f.name as Parameters<typeof rowsOf>[0]) : f.examples.join(', ');
        io.stdout.write(`  ${f.title}\n    ${trains}${f.cisco ? '   (takes Cisco config)' : ''}\n`);
        if (f.cisco) io.stdout.write(`    e.g. ${f.examples.join(', ')}\n`);
      }
      io.stdout.write('\nmxlab devices "<device>" shows what one version does; mxlab devices --releases lists the release table.\n');
      return EXIT.ok;
    }
    if (values.device && positionals.length) throw new UsageError('give the device once: mxlab devices "<device>" or --device "<device>"');
    const config = values.config === undefined ? undefined : await readTextFile(values.config, 'device configuration', LIMITS.config);
    const r = resolveDevice(wanted, config);
    if (!r.ok) {
      for (const e of r.errors) {
        const where = e.line === 0 ? (wanted ? `device "${wanted}"` : 'mxlab devices') : `${values.config}:${e.line}:${e.col}`;
        io.stderr.write(`${where}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}\n`);
      }
      return EXIT.invalid;
    }
    const lines = explainFirewall({ title: values.config ?? r.profile.device, device: wanted, config, configFrom: values.config }, r);
    io.stdout.write(lines.join('\n') + '\n');
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
