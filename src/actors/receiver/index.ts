export { startReceiver, type ReceiverOptions, type ReceiverConnection, type StartedReceiver } from './server.js';
export { personas } from './personas/index.js';
export type { Persona, PersonaName, TlsMode, Reply, ReplyContext, ReplyKind } from './persona.js';
export { ReceiverError, type ReceiverErrorCode } from './errors.js';
