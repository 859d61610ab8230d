import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readStored } from '../src/runtime/docker/mta/stored.js';

describe('a real receiver\'s stored message, read back', () => {
  it('drops the MTA\'s trace fields and hashes the rest with CRLF; the .eml\'s Message-ID names it when no X-Mxlab-Message does', () => {
    const sent = 'DKIM-Signature: v=1; a=rsa-sha256;\r\n b=abc\r\nMessage-ID: <weekly-11@partner.example>\r\nSubject: x\r\n\r\nbody\r\n';
    const stored = Buffer.from(`Return-Path: <news@partner.example>\nDelivered-To: postmaster@postfix.corp.example\nReceived: from mail.partner.example by postfix.corp.example (Postfix) with ESMTP id 4F1\n\tfor <postmaster@postfix.corp.example>; Fri, 4 Dec 2026 22:00:00 +0000\n${sent.replace(/\r\n/g, '\n')}`);
    const s = readStored(stored, ['return-path', 'delivered-to', 'received']);
    expect(s.id).toBeUndefined();
    expect(s.messageId).toBe('weekly-11@partner.example');
    expect(s.view.size).toBe(Buffer.byteLength(sent));
    expect(s.view.sha256).toBe(createHash('sha256').update(sent).digest('hex'));
    expect(readStored(Buffer.from(`Received: x\nX-Mxlab-Message: m1\n${sent.replace(/\r\n/g, '\n')}`), ['received']).id).toBe('m1');
  });
});
