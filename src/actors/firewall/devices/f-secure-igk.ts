import type { DeviceFamily } from './types.js';

/** The SIZE F-Secure IGK advertises at most; the product caps SIZE, the value is INFERRED. */
export const FSIGK_SIZE_CAP = 10 * 1024 * 1024;

/** F-Secure Internet Gatekeeper: removes CHUNKING, BINARYMIME, PIPELINING, STARTTLS and caps SIZE. [FSIGK] CONFIRMED. */
export const fSecureIgk: DeviceFamily = {
  name: 'f-secure-igk',
  title: 'F-Secure Internet Gatekeeper (removes CHUNKING, BINARYMIME, PIPELINING, STARTTLS; caps SIZE)',
  examples: ['f-secure-igk'],
  cisco: false,
  build: () => ({
    inspecting: true,
    rules: [{ name: 'remove-ehlo-parameter', options: { mode: 'remove', keywords: ['CHUNKING', 'BINARYMIME', 'PIPELINING', 'STARTTLS'], sizeCap: FSIGK_SIZE_CAP } }],
  }),
};
