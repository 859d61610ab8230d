import { RELEASES, type CiscoFamilyName, type ReleaseRow } from './releases.js';
import { compareVersion, parseVersion, trainOf, type Product, type Version } from './version.js';

/** A release the table knows: the device's version and the row it falls in. */
export interface Release {
  product: Product;
  version: Version;
  /** `major.minor` of the row's train, e.g. `9.12` */
  train: string;
  row: ReleaseRow;
}

interface Row extends ReleaseRow {
  start: Version;
  train: string;
}

/** `7.2` (a train's first row) starts below every release of the train (7.2(0), which Cisco never released); `7.2(2.19)` at that build. */
function startOf(from: string): Version {
  const v = parseVersion(/\(/.test(from) ? from : `${from}(0)`);
  if (!v) throw new Error(`release table: bad version ${from}`);
  return v;
}

const ROWS: readonly Row[] = RELEASES.map((r) => {
  const start = startOf(r.from);
  return { ...r, start, train: trainOf(start) };
});

/** The trains of a product, oldest first, e.g. `['7.0', '7.1', …]`. */
export function trainsOf(product: Product): string[] {
  return [...new Set(ROWS.filter((r) => r.product === product).map((r) => r.train))];
}

/** The rows of a family, in table order (for the catalogue). */
export function rowsOf(family: CiscoFamilyName): readonly ReleaseRow[] {
  return ROWS.filter((r) => r.family === family);
}

/** The first release after a row within the same product (undefined: the newest row). */
export function nextRow(row: ReleaseRow): ReleaseRow | undefined {
  const i = ROWS.findIndex((r) => r.product === row.product && r.from === row.from);
  const n = ROWS[i + 1];
  return n && n.product === row.product ? n : undefined;
}

export type FindResult = { ok: true; release: Release } | { ok: false; message: string; hint: string };

/**
 * The row a version falls in: the last row of its train that starts at or before it. `9.x` is the
 * newest train of 9, `6.3` / `6.3(x)` the newest row of 6.3. A version no train holds (`asa 99.1`,
 * `pix 8.5(1)`) is an error naming the nearest known releases.
 */
export function findRelease(product: Product, v: Version): FindResult {
  const mine = ROWS.filter((r) => r.product === product);
  let train = v.minor === Infinity ? [...mine].reverse().find((r) => r.start.major === v.major)?.train : trainOf(v);
  const rows = mine.filter((r) => r.train === train);
  if (!train || rows.length === 0) return unknown(product, v, mine);
  if (v.maint === 0) return noRelease0(product, v, train);
  const at = v.minor === Infinity ? { ...v, minor: rows[0].start.minor } : v;
  const row = [...rows].reverse().find((r) => compareVersion(r.start, at) <= 0) ?? rows[0];
  train = row.train;
  return { ok: true, release: { product, version: v, train, row } };
}

/**
 * Cisco numbers the releases of a train from (1): the first ASA release was 7.0(1), each 9.x train opens
 * with 9.N(1) ("New Features in ASA 9.1(1)", docs/devices.md [ASA91ASDM]); a (0) was never released.
 */
function noRelease0(product: Product, v: Version, train: string): FindResult & { ok: false } {
  const trains = trainsOf(product);
  const i = trains.indexOf(train);
  const near = [`${train}(1)`, ...(i > 0 ? [trains[i - 1]] : trains.slice(i + 1, i + 2))];
  const name = product.toUpperCase();
  return {
    ok: false,
    message: `unknown ${name} version "${v.text}": Cisco numbers a train's releases from (1), there is no ${name} ${train}(0)`,
    hint: `nearest known releases: ${near.map((t) => `"${product} ${t}"`).join(', ')}`,
  };
}

function unknown(product: Product, v: Version, mine: readonly Row[]): FindResult & { ok: false } {
  const name = product.toUpperCase();
  const trains = [...new Map(mine.map((r) => [r.train, r.start])).entries()];
  const below = trains.filter(([, s]) => compareVersion(s, { ...v, maint: 0, interim: 0 }) < 0).map(([t]) => t);
  const above = trains.filter(([, s]) => compareVersion(s, { ...v, maint: 0, interim: 0 }) > 0).map(([t]) => t);
  const near = [below.at(-1), above[0]].filter((t): t is string => !!t);
  if (near.length < 2) near.push(...(below.length ? below.slice(-2, -1) : above.slice(1, 2)));
  const other: Product = product === 'pix' ? 'asa' : 'pix';
  const otherHas = v.minor !== Infinity && ROWS.some((r) => r.product === other && r.train === trainOf(v));
  const range = `${name} ${trains[0][0]}–${trains.at(-1)![0]}`;
  const written = v.minor === Infinity ? `${v.major}.x` : trainOf(v);
  return {
    ok: false,
    message: `unknown ${name} version "${v.text}": there is no ${name} ${written} train (mxlab knows ${range})`,
    hint:
      `nearest known releases: ${near.map((t) => `"${product} ${t}"`).join(', ')}` +
      (otherHas ? `; ${other.toUpperCase()} has ${trainOf(v)}: did you mean "${other} ${v.text}"?` : ''),
  };
}
