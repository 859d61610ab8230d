import type { RunResult } from '../model/result.js';

/** Keys of the result that hold recorded bytes and TLS keys: they go to pcap/ and keylog.txt, not into result.json. */
const CAPTURE_KEYS = new Set(['wire', 'keylog']);

/** The RunResult as result.json: indented, without the raw bytes and keys a capturing run recorded. */
export function resultJson(result: RunResult): string {
  return JSON.stringify(result, (key, value: unknown) => (CAPTURE_KEYS.has(key) ? undefined : value), 2) + '\n';
}
