import type { DeviceFamily } from './types.js';

/** Zorp SMTP proxy: removes unknown EHLO lines, keeps PIPELINING, SIZE, ETRN, 8BITMIME, STARTTLS. [ZORP] CONFIRMED. */
export const zorp: DeviceFamily = {
  name: 'zorp',
  title: 'Zorp SMTP proxy (removes unknown EHLO keywords)',
  examples: ['zorp'],
  cisco: false,
  build: () => ({
    inspecting: true,
    rules: [{ name: 'remove-ehlo-parameter', options: { mode: 'keep', keywords: ['PIPELINING', 'SIZE', 'ETRN', '8BITMIME', 'STARTTLS'] } }],
  }),
};
