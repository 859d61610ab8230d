/**
 * `mxlab/vitest`: scenarios as vitest suites. Importing it adds the matchers to `expect` (at run
 * time and in the types: a user's `tsc --strict` needs no `declare module` of their own).
 *
 *   import { expect } from 'vitest';
 *   import { labTest } from 'mxlab/vitest';
 *   const test = labTest('scenarios/seed-esa-behind-pix.yaml');
 *   test('the seed', ({ lab }) => {
 *     expect(lab.result).toPassExpectations();
 *     expect(lab.session('inside')).toHaveNegotiatedTls();
 *   });
 */
import { expect } from 'vitest';
import { mxlabMatchers, type MxlabMatchers } from './matchers.js';

export { attemptOf, mxlabMatchers, type ExpectationFields, type MxlabMatchers } from './matchers.js';
export { cellOf, sessionOf } from './session-of.js';
export { labTest, type Lab } from './lab.js';
export { runScenario, type RunScenarioOptions } from '../run/run-scenario.js';

expect.extend(mxlabMatchers);

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends MxlabMatchers<T> {}
}
