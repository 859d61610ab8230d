import { describe, expect, it } from 'vitest';
import { firstDifference, normaliseEntries, normaliseSession } from '../src/assertions/normalise.js';
import type { TranscriptEntry } from '../src/model/result.js';

const entries = (lines: [TranscriptEntry['dir'], string, boolean?][]): TranscriptEntry[] => lines.map(([dir, text, tls], t) => ({ t, dir, text, ...(tls ? { tls } : {}) }));

describe('normalised transcripts (golden files, replay)', () => {
  it('where a sender connected is one token on both runtimes: an address and port in-process, a container name in docker', () => {
    const out = normaliseEntries(entries([['c2s', '<connect 127.0.0.1:36791>'], ['c2s', '<connect mxlab-mx9ivysx-6c84d0-1-fw:25>'], ['c2s', '<connect mxlab-mx9ivysx-6c84d0-2-lan-rec-esa:25>'], ['c2s', '<connect mx1.corp.example:25>']]));
    expect(out).toEqual(['C: <connect <ip>:<port>>', 'C: <connect <ip>:<port>>', 'C: <connect <ip>:<port>>', 'C: <connect mx1.corp.example:25>']);
  });

  it('replaces what changes per run with tokens: ports, dates, queue and message ids, DKIM time and signature, TLS record sizes', () => {
    const out = normaliseEntries(
      entries([
        ['c2s', '<connect 127.0.0.1:36791>'],
        ['s2c', '220 mx.example.com Microsoft ESMTP MAIL Service, Version: 6.0.3790.4675 ready at  Fri, 4 Dec 2026 18:18:43 +0000 '],
        ['s2c', '220 sm.example.com ESMTP Sendmail 8.14.4/8.14.4; Fri, 04 Dec 2026 18:18:43 +0000'],
        ['c2s', 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=partner.example; s=mxlab;'],
        ['c2s', '\tt=1796408323; h=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type;'],
        ['c2s', '\tbh=/Xvd98cEBEItyQRYN2mhPBMDZj8+ak3T25vqWPomOiY=;'],
        ['c2s', '\tb=aq6w/PfO1xaUHbiNCjUmE8jegSm7G1+U/ygMYta/76dzu0/Q5/vbVbzxGz9Z0CLh7zpqMmzO'],
        ['c2s', '\t TxfPuAA4K7KfqYbZG1mv55kKmYnVm4tMgq36GBlca7l55lBXZXHhaMnS4+dufgcWcteu0/Nx'],
        ['c2s', 'Date: Fri, 04 Dec 2026 18:18:43 +0000'],
        ['c2s', 'Message-ID: <20261204181843.4XyzAbCd12@mx.example>'],
        ['c2s', 'Received: from partner.example (unknown [172.18.0.3]) by mx.example (Postfix) with ESMTP id 4XyzAbCd12'],
        ['s2c', '250 2.0.0 Ok: queued as 4XyzAbCd12'],
        ['s2c', '250 ok:  Message 2 accepted'],
        ['s2c', '250 2.0.0 4B3C2D1E012345 Message accepted for delivery'],
        ['s2c', '250 OK id=1qABCD-000123-AB'],
        ['s2c', '<TLS 517 bytes>'],
        ['s2c', '<TLS 80 bytes>'],
        ['c2s', '<TLS 64 bytes>'],
        ['c2s', 'EHLO lan.example', true],
        ['c2s', 'mxlab-fw fw conn 3: mask-banner: from outside:127.0.0.1/44766 to inside:127.0.0.1/37227'],
        ['c2s', 'MAIL FROM:<partner@partner.example> SIZE=938'],
      ]),
    );
    expect(out).toEqual([
      'C: <connect <ip>:<port>>',
      'S: 220 mx.example.com Microsoft ESMTP MAIL Service, Version: 6.0.3790.4675 ready at  <date> ',
      'S: 220 sm.example.com ESMTP Sendmail 8.14.4/8.14.4; <date>',
      'C: DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=partner.example; s=mxlab;',
      'C: \tt=<time>; h=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type;',
      'C: \tbh=/Xvd98cEBEItyQRYN2mhPBMDZj8+ak3T25vqWPomOiY=;',
      'C: \tb=<signature>',
      'C: Date: <date>',
      'C: Message-ID: <message-id>',
      'C: Received: from partner.example (unknown [<ip>]) by mx.example (Postfix) with ESMTP id <queue-id>',
      'S: 250 2.0.0 Ok: queued as <queue-id>',
      'S: 250 ok:  Message <queue-id> accepted',
      'S: 250 2.0.0 <queue-id> Message accepted for delivery',
      'S: 250 OK id=<queue-id>',
      'S: <TLS record>',
      'C: <TLS record>',
      'C: [tls] EHLO lan.example',
      'C: mxlab-fw fw conn 3: mask-banner: from outside:<ip>/<port> to inside:<ip>/<port>',
      'C: MAIL FROM:<partner@partner.example> SIZE=938',
    ]);
  });

  it('finds the first differing line, or the end of the shorter one', () => {
    expect(firstDifference(['a', 'b'], ['a', 'b'])).toBeUndefined();
    expect(firstDifference(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual({ index: 1, a: 'b', b: 'x' });
    expect(firstDifference(['a'], ['a', 'more'])).toEqual({ index: 1, a: undefined, b: 'more' });
  });
});

describe('a retried message', () => {
  it('shows every attempt, each under its number', () => {
    const hop = (text: string) => [{ from: 'partner', to: 'esa', entries: entries([['s2c', text]]) }];
    const attempt = (n: number, text: string) => ({ attempt: n, t: n * 1000, end: n * 1000 + 5, outcome: 'deferred' as const, reason: 'connection-reset' as const, tls: false, clientView: { banner: [], ehlo: [] }, serverView: { commands: [], tls: false, accepted: false }, hops: hop(text), firewall: { events: [] } });
    expect(normaliseSession({ hops: hop('421 last'), history: [attempt(1, '421 first'), attempt(2, '421 last')] })).toEqual(['== attempt 1', '== hop 1: partner → esa', 'S: 421 first', '== attempt 2', '== hop 1: partner → esa', 'S: 421 last']);
    expect(normaliseSession({ hops: hop('250 ok') })).toEqual(['== hop 1: partner → esa', 'S: 250 ok']);
  });
});
