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
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  tty: boolean;
  /** --out DIR: reporters that write files put them here */
  outDir?: string;
  /** true when this is the only reporter writing to stdout */
  alone: boolean;
}

export type ReporterFactory = (opts: ReporterOptions) => Reporter;
