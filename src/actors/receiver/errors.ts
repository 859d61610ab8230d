import { CODE, MxlabError } from '../../errors.js';

export type ReceiverErrorCode = typeof CODE.LISTEN | typeof CODE.RECEIVER_PERSONA;

/** A receiver could not start. `code` is stable; `message` says what to change. */
export class ReceiverError extends MxlabError {
  constructor(code: ReceiverErrorCode, message: string, cause?: unknown, hint?: string) {
    super(code, message, { cause, hint });
    this.name = 'ReceiverError';
  }
}
