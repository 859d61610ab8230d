import type { DeviceFamily } from './types.js';

/** No middlebox: bytes pass unchanged. */
export const none: DeviceFamily = {
  name: 'none',
  title: 'no inspection (pass-through)',
  examples: ['none'],
  cisco: false,
  build: () => ({ inspecting: false, rules: [] }),
};
