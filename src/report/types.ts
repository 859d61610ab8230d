import type { CellResult, RunResult, ScenarioResult, SessionResult } from '../model/result.js';

export interface CellInfo {
  file: string;
  name: string;
  label: string;
}

/** Every hook is optional; reporters read only the result model. */
export interface Reporter {
  onRunStart?(info: { runtime: string; scenarios: { file: string; name: string; cells: number }[] }): void;
  onProgress?(line: string): void;
  onCellStart?(cell: CellInfo): void;
  onSession?(cell: CellInfo, session: SessionResult): void;
  onCellEnd?(cell: CellInfo, result: CellResult, scenario: Pick<ScenarioResult, 'file' | 'name'>): void;
  onRunEnd?(result: RunResult): void | Promise<void>;
}

export interface ReporterOptions {
  /** the real stdout only for the one reporter that owns it (`toStdout`); every other reporter gets stderr here */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  tty: boolean;
  /** where file reporters write (`--out`, default `mxlab-report`) */
  outDir: string;
  /** true for the one reporter that writes to stdout: the console, or a single json/junit/html reporter without --out */
  toStdout: boolean;
  /** a file reporter calls this with each path it wrote (the CLI says where the reports are) */
  wrote?(path: string): void;
  /** the console prints per-message progress in a cell running longer than this, and the slowest steps of a run longer than this (ms; default 3000) */
  progressAfterMs?: number;
}

/**
 * A reporter: a factory of hooks. `stream: true` = it can write its whole report to stdout (json,
 * junit, html); `capture: true` = it needs every hop's raw bytes and TLS keys recorded (pcap, bundle).
 */
export type ReporterFactory = ((opts: ReporterOptions) => Reporter) & { stream?: boolean; capture?: boolean };
