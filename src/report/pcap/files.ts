import type { RunResult } from '../../model/result.js';
import { safeName, unique } from '../names.js';
import { pcapOf } from './packets.js';

export const KEYLOG_FILE = 'keylog.txt';

/**
 * The pcap reporter's files: `pcap/<scenario>/<run>/<message>/hop<N>-<from>-<to>.pcap`, one per
 * hop of each message whose bytes the run recorded (every TCP connection of that hop in it), and
 * `keylog.txt` with every TLS session's keys in NSS key log format. Empty when nothing was recorded.
 */
export function pcapFiles(result: RunResult): { name: string; data: Buffer | string }[] {
  const epoch = Date.parse(result.startedAt) || 0;
  const files: { name: string; data: Buffer | string }[] = [];
  const keys = new Set<string>();
  const scenarios = unique();
  for (const s of result.scenarios) {
    const sDir = scenarios(s.file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''));
    const runs = unique();
    for (const cell of s.cells) {
      const rDir = runs(cell.label || 'run');
      const messages = unique();
      for (const session of cell.sessions) {
        // every attempt's connections (a retried message has one per attempt and hop)
        const attempts = session.history?.length ? session.history : [session];
        for (const a of attempts) for (const line of a.keylog ?? []) keys.add(line);
        for (const line of session.keylog ?? []) keys.add(line);
        const wire = attempts.flatMap((a) => a.wire ?? []);
        if (!wire.length) continue;
        const mDir = messages(session.message);
        session.hops.forEach((hop, i) => {
          const captures = wire.filter((w) => w.hop === i);
          if (captures.length) files.push({ name: `pcap/${sDir}/${rDir}/${mDir}/hop${i + 1}-${safeName(`${hop.from}-${hop.to}`)}.pcap`, data: pcapOf(captures, epoch) });
        });
      }
    }
  }
  if (files.length || keys.size) files.push({ name: KEYLOG_FILE, data: [...keys].map((k) => `${k}\n`).join('') });
  return files;
}
