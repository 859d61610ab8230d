import { describe, expect, it } from 'vitest';
import { classifyError } from '../src/actors/sender/classify.js';
import { advertisesStartTls, plaintextVerdict, shouldSendStartTls } from '../src/actors/sender/policy.js';

describe('classifyError', () => {
  const ctx = { handshaking: false, command: 'RCPT TO' };
  it.each([
    [{ message: 'x', code: 'EENVELOPE', response: '550 5.1.1 no such user', responseCode: 550 }, 'bounced', 'rejected'],
    [{ message: 'x', code: 'EENVELOPE', response: '452 4.5.3 too many', responseCode: 452 }, 'deferred', 'rejected'],
    [{ message: 'x', code: 'EMESSAGE', response: '552 5.3.4 too big', responseCode: 552 }, 'bounced', 'size-exceeded'],
    [{ message: 'Message size larger than allowed 1000', code: 'EMESSAGE', command: 'MAIL FROM' }, 'bounced', 'size-exceeded'],
    [{ message: 'connect ECONNREFUSED', code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'deferred', 'connection-refused'],
    [{ message: 'read ECONNRESET', code: 'ESOCKET', originalCode: 'ECONNRESET' }, 'deferred', 'connection-reset'],
    [{ message: 'Connection closed unexpectedly', code: 'ECONNECTION' }, 'deferred', 'connection-reset'],
    [{ message: 'Timeout', code: 'ETIMEDOUT' }, 'deferred', 'timeout'],
    [{ message: 'Unexpected Response', code: 'EPROTOCOL', response: '250 hm' }, 'deferred', 'protocol-error'],
  ])('%o → %s %s', (err, outcome, reason) => {
    expect(classifyError(err, ctx)).toMatchObject({ outcome, reason });
  });

  it('anything during the TLS handshake is tls-failed', () => {
    expect(classifyError({ message: 'Timeout', code: 'ETIMEDOUT' }, { handshaking: true })).toMatchObject({ reason: 'tls-failed' });
  });

  it('a 5xx greeting defers, a 5xx to HELO bounces', () => {
    const err = { message: 'x', code: 'EPROTOCOL', response: '554 no', responseCode: 554 };
    expect(classifyError(err, { handshaking: false, command: '<greeting>' }).outcome).toBe('deferred');
    expect(classifyError(err, { handshaking: false, command: 'HELO' }).outcome).toBe('bounced');
  });
});

describe('TLS policy', () => {
  it('sends STARTTLS per policy and message mode', () => {
    expect(shouldSendStartTls('none', 'auto', true)).toBe(false);
    expect(shouldSendStartTls('none', 'always', false)).toBe(true);
    expect(shouldSendStartTls('opportunistic', 'auto', false)).toBe(false);
    expect(shouldSendStartTls('verify', 'auto', true)).toBe(true);
    expect(shouldSendStartTls('required', 'never', true)).toBe(false);
  });

  it('finds STARTTLS only as a whole EHLO keyword after the first line', () => {
    expect(advertisesStartTls(['250-esa.example.com', '250-8BITMIME', '250 STARTTLS'])).toBe(true);
    expect(advertisesStartTls(['250-esa.example.com', '250-8BITMIME', '250 XXXXXXXA'])).toBe(false);
    expect(advertisesStartTls(['250 STARTTLS'])).toBe(false);
    expect(advertisesStartTls(['250-x', '250 STARTTLSX'])).toBe(false);
  });

  it('plaintext is fine unless TLS is required', () => {
    expect(plaintextVerdict({ mode: 'opportunistic' }, '500 no')).toBeUndefined();
    expect(plaintextVerdict({ mode: 'required' }, undefined)).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered' });
    expect(plaintextVerdict({ mode: 'verify' }, '500 #5.5.1 command not recognized')).toMatchObject({ reason: 'starttls-refused', detail: '500 #5.5.1 command not recognized' });
  });
});
