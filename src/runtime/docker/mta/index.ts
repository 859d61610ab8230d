import type { ReceiverNode, SenderNode } from '../../../scenario/schema.js';
import { exim } from './exim.js';
import { genericAdapter } from './generic.js';
import { opensmtpd } from './opensmtpd.js';
import { postfix } from './postfix.js';
import type { MtaAdapter } from './types.js';

/** The MTAs mxlab ships an adapter for; the key is the scenario's `mta:` value. Adding one: a folder in containers/, a file here, a line in this table. */
export const mtaAdapters = { postfix, exim, opensmtpd } as const satisfies Record<string, MtaAdapter>;

/** The adapter of a real-MTA node (a `generic:` map makes one for `mta: generic`). */
export function adapterOf(node: SenderNode | ReceiverNode): MtaAdapter {
  if (node.mta === 'generic') {
    if (node.role !== 'sender' || !node.generic) throw new Error('mta: generic needs a generic: map (validated before)');
    return genericAdapter(node.generic);
  }
  if (node.mta === 'builtin') throw new Error('mta: builtin has no adapter');
  return mtaAdapters[node.mta];
}

export type { MtaAdapter, MtaSettings, MtaVerdict, SubmittedMessage } from './types.js';
