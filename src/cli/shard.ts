import { CODE, MxlabError, UsageError } from '../errors.js';

export interface Shard {
  index: number;
  total: number;
}

/** Parses `--shard I/N` (1 ≤ I ≤ N). */
export function parseShard(v: string | undefined): Shard | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(v);
  const [index, total] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || total < 1 || index < 1 || index > total) throw new UsageError(`--shard must be I/N with 1 ≤ I ≤ N, got "${v}"`);
  return { index, total };
}

/** A shard must select at least one of the `runs` runs (shard I/N keeps runs I, I+N, I+2N… counted from 1). */
export function checkShard(shard: Shard | undefined, runs: number): void {
  if (!shard || shard.index <= runs) return;
  throw new MxlabError(
    CODE.USAGE,
    `Failed to select runs with --shard ${shard.index}/${shard.total}: the scenarios expand to ${runs} run${runs === 1 ? '' : 's'}, so shard ${shard.index} gets none.`,
    { hint: `Did you mean at most ${runs} shard${runs === 1 ? '' : 's'} (--shard I/${Math.max(1, Math.min(shard.total, runs))})?` },
  );
}
