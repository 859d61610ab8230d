import type { Reporter } from './types.js';

type Hook = keyof Reporter;

/** Fans every hook out to each reporter; a reporter that throws is reported once and then skipped. */
export function multiplex(reporters: { name: string; reporter: Reporter }[], stderr: NodeJS.WritableStream): Required<Reporter> & { failures: unknown[] } {
  const broken = new Set<string>();
  /** what each failed reporter threw: the CLI exits with the worst of them (a report asked for and not written is no success) */
  const failures: unknown[] = [];
  const fail = (name: string, err: unknown) => {
    broken.add(name);
    failures.push(err);
    stderr.write(`mxlab: the ${name} reporter failed and was disabled: ${(err as Error)?.message ?? err}\n`);
  };
  const each = (hook: Hook, args: unknown[]): Promise<unknown>[] =>
    reporters.flatMap(({ name, reporter }) => {
      const fn = reporter[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (!fn || broken.has(name)) return [];
      try {
        const r = fn.apply(reporter, args);
        return r instanceof Promise ? [r.catch((err) => fail(name, err))] : [];
      } catch (err) {
        fail(name, err);
        return [];
      }
    });
  const sync = (hook: Hook) => (...args: unknown[]) => void each(hook, args);
  return {
    failures,
    onRunStart: sync('onRunStart'),
    onProgress: sync('onProgress'),
    onCellStart: sync('onCellStart'),
    onSession: sync('onSession'),
    onCellEnd: sync('onCellEnd'),
    onRunEnd: async (result) => {
      await Promise.all(each('onRunEnd', [result]));
    },
  };
}
