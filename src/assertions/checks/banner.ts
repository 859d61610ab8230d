import { lineChecks, type Check } from '../types.js';

/** `banner: { includes, excludes, equals }` over the greeting line(s) the sender saw. */
export const banner: Check<'banner'> = (spec, s) => lineChecks('banner', spec, s.clientView.banner);
