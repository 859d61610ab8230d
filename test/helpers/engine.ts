import { resolveDevice } from '../../src/actors/firewall/index.js';
import { ConnectionEngine } from '../../src/actors/firewall/engine/engine.js';

import type { Clock } from '../../src/model/clock.js';

/** A connection engine of `device` with `config` on `clock`, past the banner (a new connection, with its own `ConnInfo`, each call). */
export function engine(config: string, device = 'asa 9.12(4)', clock: Clock = { now: () => 0 }): ConnectionEngine {
  const r = resolveDevice(device, config);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const info = { id: 1, node: 'fw', clientAddress: '192.0.2.1', clientPort: 40000, serverAddress: '10.0.0.25', serverPort: 25, syslogPrefix: r.profile.syslogPrefix };
  const e = new ConnectionEngine(info, r.profile.rules, clock);
  e.process('server', Buffer.from('220 mx.example.com ESMTP\r\n'));
  return e;
}

/** The config errors of `device` with `config` (throws when there are none). */
export function errors(config: string, device = 'asa 9.12(4)') {
  const r = resolveDevice(device, config);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

/** A map `m` with `lines`, applied by `inspect esmtp m`; `before`: global lines first (regex, class-map). */
export const map = (lines: string[], before: string[] = []) =>
  [...before, 'policy-map type inspect esmtp m', ...lines, 'policy-map global_policy', ' class inspection_default', '  inspect esmtp m'].join('\n');

export const send = (e: ConnectionEngine, s: string) => e.process('client', Buffer.from(s, 'latin1'));

/** Client and server through DATA and its 354: the next client bytes are the message. */
export function toData(e: ConnectionEngine): void {
  send(e, 'DATA\r\n');
  e.process('server', Buffer.from('354 go\r\n'));
}
