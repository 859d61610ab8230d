import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether tshark is installed (CI installs it: .ci/run). */
export const hasTshark = await run('tshark', ['--version']).then(
  () => true,
  () => false,
);

/** Under CI a test that needs tshark fails when it is missing; elsewhere it is skipped. */
export const needsTshark = !hasTshark && !process.env.CI;

/** Runs tshark and returns its stdout lines (stderr carries its "running as root" notice). */
export async function tshark(args: string[]): Promise<string[]> {
  if (!hasTshark) throw new Error('tshark is not installed: apt-get install -y tshark (CI installs it in .ci/run)');
  const { stdout } = await run('tshark', args, { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter(Boolean);
}

/**
 * The values of `fields` (tab-separated, one line a packet) in the packets of `pcap` that match the display
 * filter; with `keylog` (an NSS key log file) tshark decrypts the TLS sessions first.
 */
export function fieldsOf(pcap: string, filter: string, fields: string[], keylog?: string): Promise<string[]> {
  return tshark([...(keylog ? ['-o', `tls.keylog_file:${keylog}`] : []), '-r', pcap, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
}

/** tshark's summary lines of the SMTP packets of `pcap` (`… S: 250-esa.example.com | 8BITMIME | …`), one string. */
export async function smtpSummary(pcap: string): Promise<string> {
  return (await tshark(['-r', pcap, '-Y', 'smtp'])).join('\n');
}

/**
 * The SMTP commands in `pcap` as `VERB\tparameter` lines (Wireshark 4.0 takes the first four letters of
 * STARTTLS as its command: `STAR\tTLS`). With `keylog`, only those sent inside TLS, decrypted.
 */
export function smtpRequests(pcap: string, keylog?: string): Promise<string[]> {
  return fieldsOf(pcap, keylog ? 'smtp.req && tls' : 'smtp.req', ['smtp.req.command', 'smtp.req.parameter'], keylog);
}

/** The pcap files of one run (`<out>/pcap/<scenario>/<run>`), per message folder, sorted. */
export async function pcapsByMessage(runDir: string): Promise<Record<string, string[]>> {
  return Object.fromEntries(await Promise.all((await readdir(runDir)).sort().map(async (m) => [m, (await readdir(join(runDir, m))).sort()])));
}

/** What the pcap reporter writes for scenarios/seed-esa-behind-pix.yaml: one file per hop per message. */
export const SEED_PCAPS = {
  inside: ['hop1-lan-esa.pcap'],
  outside: ['hop1-partner-fw.pcap', 'hop2-fw-esa.pcap'],
  'outside-dkim': ['hop1-partner-fw.pcap', 'hop2-fw-esa.pcap'],
  'outside-forced': ['hop1-partner-fw.pcap', 'hop2-fw-esa.pcap'],
};
