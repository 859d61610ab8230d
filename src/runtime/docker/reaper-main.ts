/**
 * The reaper process (see reaper.ts): `node reaper-main.js <label>` sweeps the containers and
 * networks carrying the label now and again after 1, 3, 6 and 12 s, then exits.
 */
import { sweep } from './labels.js';

const label = process.argv[2];
if (label && /^mxlab\.(run|cell)=[\w.-]+$/.test(label)) {
  for (const wait of [0, 1000, 2000, 3000, 6000]) {
    await new Promise((r) => setTimeout(r, wait));
    await sweep(label).catch(() => undefined);
  }
}
process.exit(0);
