import { CODE, isErrorCode, MxlabError } from '../errors.js';
import type { CellResult, RunResult, SessionResult } from '../model/result.js';

/**
 * The session of a message: in the run with the given label (`fw.device=asa 9.12(4)`), else the
 * first run that has it. When the run that should have it broke (a harness error), that error is
 * thrown — its code and message — instead of "not found".
 */
export function sessionOf(result: RunResult, message: string, cellLabel?: string): SessionResult {
  const cells = result.scenarios.flatMap((s) => s.cells).filter((c) => cellLabel === undefined || c.label === cellLabel);
  for (const c of cells) {
    const hit = c.sessions.find((x) => x.message === message);
    if (hit) return hit;
  }
  const broken = cells.find((c) => c.error);
  if (broken?.error) {
    const { code, message: text } = broken.error;
    throw new MxlabError(isErrorCode(code) ? code : CODE.INTERNAL, `${text} (the run${broken.label ? ` [${broken.label}]` : ''} broke before message "${message}" was delivered)`);
  }
  if (cellLabel !== undefined && !cells.length) {
    const labels = result.scenarios.flatMap((s) => s.cells.map((c) => c.label));
    throw new Error(`Failed to find the run [${cellLabel}]. Did you mean one of ${labels.map((l) => `[${l}]`).join(', ') || 'none (no run)'}?`);
  }
  throw new Error(`Failed to find a session for message "${message}"${cellLabel ? ` in run [${cellLabel}]` : ''}. Did you forget to list it under messages?`);
}

/** The result of one run (cell) by its label; the only one when there is no matrix. */
export function cellOf(result: RunResult, cellLabel = ''): CellResult {
  const cell = result.scenarios.flatMap((s) => s.cells).find((c) => c.label === cellLabel);
  if (cell) return cell;
  const labels = result.scenarios.flatMap((s) => s.cells.map((c) => c.label));
  throw new Error(`Failed to find the run [${cellLabel}]. Did you mean one of ${labels.map((l) => `[${l}]`).join(', ') || 'none (no run)'}?`);
}
