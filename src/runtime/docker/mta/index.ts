import { exim } from './exim.js';
import { opensmtpd } from './opensmtpd.js';
import { postfix } from './postfix.js';
import type { MtaAdapter } from './types.js';

/** Real MTAs usable as senders in the docker runtime; the key is the scenario's `mta:` value. */
export const mtaAdapters: Record<'postfix' | 'exim' | 'opensmtpd', MtaAdapter> = { postfix, exim, opensmtpd };

export type { MtaAdapter, MtaSettings, MtaVerdict, SubmittedMessage } from './types.js';
