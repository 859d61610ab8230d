export type ReceiverErrorCode = 'E_RECEIVER_LISTEN' | 'E_RECEIVER_PERSONA';

/** A receiver could not start. `code` is stable; `message` says what to change. */
export class ReceiverError extends Error {
  override readonly name = 'ReceiverError';
  constructor(
    readonly code: ReceiverErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
