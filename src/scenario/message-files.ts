import { isAbsolute, join, dirname, relative } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { InputFileError, readInputBytes } from './input-file.js';
import type { PositionIndex } from './positions.js';
import type { Scenario } from './schema.js';

/** Largest `eml:` file (the builtin sender holds it in memory; real MTAs are fed the same limit). */
export const MAX_EML_BYTES = 64 * 1024 * 1024;

/** An `eml:` value resolved against the scenario file's folder (shown relative to the working folder when inside it). */
export function messageFilePath(scenarioFile: string, value: string): string {
  const p = isAbsolute(value) ? value : join(dirname(scenarioFile), value);
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** `eml:` files that cannot be read: value as written → why (loadScenario fills it; the checks report it). */
export type MessageFiles = Map<string, { path: string; error?: { expected: string; got: string; hint?: string } }>;

/** Reads every `eml:` once at load (a regular file of at most MAX_EML_BYTES): problems are positioned at the key. */
export async function checkMessageFiles(file: string, data: Record<string, unknown>): Promise<MessageFiles> {
  const out: MessageFiles = new Map();
  const messages = Array.isArray(data.messages) ? data.messages : [];
  for (const m of messages) {
    const value = m && typeof m === 'object' ? (m as Record<string, unknown>).eml : undefined;
    if (typeof value !== 'string' || !value || out.has(value) || value.length > 4096) continue;
    const path = messageFilePath(file, value);
    try {
      await readInputBytes(path, 'message file (.eml)', MAX_EML_BYTES);
      out.set(value, { path });
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      out.set(value, { path, error: { expected: err.expected, got: err.got, ...(err.hint ? { hint: err.hint } : {}) } });
    }
  }
  return out;
}

/**
 * What a schema cannot say about messages: an `eml:` is the whole message, so subject, size and dkim
 * do not go with it; the file must be readable (read by loadScenario; parseScenario cannot).
 */
export function checkMessages(file: string, s: Scenario, pos: PositionIndex, files: MessageFiles | undefined, out: Diagnostic[]): void {
  s.messages.forEach((m, i) => {
    const at = (key: string) => ({ file, ...pos.at(['messages', i, key], { key: true }), path: `messages[${i}].${key}` });
    if (m.eml === undefined) return checkGeneratedHeaders(file, m, i, pos, out);
    for (const key of ['subject', 'size'] as const) {
      if (m[key] !== undefined) out.push({ ...at(key), message: `expected no ${key}: with eml:, got ${key}: ${String(m[key])}`, hint: `the .eml is the whole message, sent as it is; ${key}: is for generated messages` });
    }
    if (m.dkim) out.push({ ...at('dkim'), message: 'expected no dkim: true with eml:, got dkim: true', hint: 'the .eml is sent as it is: sign it before (its DKIM-Signature then travels with it)' });
    const f = files?.get(m.eml);
    if (!f) out.push({ file, ...pos.at(['messages', i, 'eml']), path: `messages[${i}].eml`, message: 'expected a message file read by loadScenario, got a scenario parsed from text (parseScenario cannot read files)', hint: 'use loadScenario' });
    else if (f.error) out.push({ file, ...pos.at(['messages', i, 'eml']), path: `messages[${i}].eml`, message: `expected ${f.error.expected}, got ${f.error.got}`, hint: f.error.hint });
  });
}

/**
 * A generated message's `headers:` set its standard headers (message.ts buildHeaders): the subject given
 * twice (`subject:` and `headers: { Subject }`) is ambiguous, and its Message-ID is how a run follows the
 * message through a real MTA's log, so it is the run's.
 */
function checkGeneratedHeaders(file: string, m: Scenario['messages'][number], i: number, pos: PositionIndex, out: Diagnostic[]): void {
  for (const name of Object.keys(m.headers ?? {})) {
    const at = { file, ...pos.at(['messages', i, 'headers', name], { key: true }), path: `messages[${i}].headers.${name}` };
    const lower = name.toLowerCase();
    if (lower === 'subject' && m.subject !== undefined) {
      out.push({ ...at, message: `expected the subject once, got subject: and headers: { ${name} }`, hint: 'keep one: a header of headers: replaces the generated one of that name' });
    }
    if (lower === 'message-id') {
      out.push({ ...at, message: `expected no ${name} in headers: of a generated message, got ${name}: ${m.headers![name]}`, hint: 'the run follows a generated message by its own Message-ID (<id@sender hostname>); send an eml: to choose yours' });
    }
  }
}
