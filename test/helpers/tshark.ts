import { execFile } from 'node:child_process';
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
