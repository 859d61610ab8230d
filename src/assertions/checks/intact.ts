import { result, type Check } from '../types.js';

/**
 * `intact: true` — the receiver got the message byte for byte: the size and SHA-256 it recorded in
 * DATA equal those of the message the sender handed to SMTP (`intact: false`: it arrived altered, or
 * not in full). Needs the builtin sender (it knows what it sent) and a receiver that records them.
 */
export const intact: Check<'intact'> = (expected, s) => {
  const sent = s.sent;
  const got = s.serverView.sha256 !== undefined ? { size: s.serverView.size, sha256: s.serverView.sha256 } : undefined;
  const same = !!sent && !!got && sent.size === got.size && sent.sha256 === got.sha256;
  const actual = !sent ? 'unknown: the sender does not report what it sent (a real MTA)' : !got ? 'no message arrived in full' : same ? { size: got.size, sha256: got.sha256 } : { sent, received: got };
  return [result('intact', same === expected, expected ? (sent ? { size: sent.size, sha256: sent.sha256 } : 'the bytes the sender sent') : 'the message altered or missing', actual)];
};
