/** The builtin sender: an MTA model on nodemailer's SMTP connection. */
export { deliver } from './deliver.js';
export { createDkimKey, DKIM_SIGNED_HEADERS, signingKeyFor } from './dkim.js';
export { DEFAULT_TIMEOUT_MS } from './attempt.js';
export { PolicyCache } from './sts-policy.js';
export type { Verdict } from './policy.js';
export type {
  DeliveryResult,
  DeliveryTarget,
  DkimKey,
  MessageSpec,
  SenderDns,
  SenderOptions,
  StartTlsMode,
  TlsPolicy,
} from './types.js';
