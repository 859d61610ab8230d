import { describe, expect, it } from 'vitest';
import { resolveDevice } from '../src/actors/firewall/index.js';
import type { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';
import { engine, errors, map, send, toData } from './helpers/engine.js';

const REGEXES = ['regex spam1 "@spam\\.example>?$"', 'regex spam2 "^bulk"', 'regex exe "^application/x-ms"', 'regex zip "zip$"'];
const cls = (name: string, how: string, names: string[]) => [`class-map type regex ${how} ${name}`, ...names.map((n) => ` match regex ${n}`)];
const mail = (e: ConnectionEngine, from: string) => {
  const out = send(e, `MAIL FROM:<${from}>\r\n`);
  e.process('server', Buffer.from('250 ok\r\n'));
  return out.terminate;
};

describe('class-map type regex and `regex class NAME`', () => {
  it('match-any: a sender matching any regex of the class', () => {
    const cfg = map([' match sender-address regex class spammers', '  drop-connection log'], [...REGEXES, ...cls('spammers', 'match-any', ['spam1', 'spam2'])]);
    expect(mail(engine(cfg), 'a@ok.example')).toBeUndefined();
    expect(mail(engine(cfg), 'bulk@ok.example')).toBe('drop-connection');
    const e = engine(cfg);
    const out = send(e, 'MAIL FROM:<x@spam.example>\r\n');
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0].log).toContain('match sender-address regex class spammers: drop-connection log; sender <x@spam.example>');
  });

  it('match-all: every regex of the class must match; match not inverts', () => {
    const both = map([' match sender-address regex class both', '  reset'], [...REGEXES, ...cls('both', 'match-all', ['spam1', 'spam2'])]);
    expect(mail(engine(both), 'x@spam.example')).toBeUndefined();
    expect(mail(engine(both), 'bulk@spam.example')).toBe('reset');
    const allow = map([' match not sender-address regex class both', '  reset'], [...REGEXES, ...cls('both', 'match-all', ['spam1', 'spam2'])]);
    expect(mail(engine(allow), 'bulk@spam.example')).toBeUndefined();
    expect(mail(engine(allow), 'x@spam.example')).toBe('reset');
  });

  it('mime filetype regex class: any Content-Type in the class', () => {
    const e = engine(map([' match mime filetype regex class blocked', '  drop-connection'], [...REGEXES, ...cls('blocked', 'match-any', ['exe', 'zip'])]));
    toData(e);
    expect(send(e, 'Content-Type: text/plain\r\n').terminate).toBeUndefined();
    expect(send(e, 'Content-Type: application/zip\r\n').terminate).toBe('drop-connection');
  });

  it('the class is read as the whole config leaves it: a regex added after the policy map counts, one removed does not', () => {
    const cfg = [...REGEXES, ...cls('c', 'match-any', ['spam1']), ...map([' match sender-address regex class c', '  drop-connection']).split('\n'), ...cls('c', 'match-any', ['spam2']), 'class-map type regex match-any c', ' no match regex spam1'].join('\n');
    expect(mail(engine(cfg), 'bulk@ok.example')).toBe('drop-connection');
    expect(mail(engine(cfg), 'x@spam.example')).toBeUndefined();
    const r = resolveDevice('asa 9.x', cfg);
    expect(r.ok && r.profile.summary.find((l) => l.startsWith('match-sender-address-regex'))).toBe(
      'match-sender-address-regex {"name":"class c","patterns":["^bulk"],"all":false,"action":{"kind":"drop-connection","log":false}}',
    );
  });

  it('`no match … regex class NAME` removes the match line', () => {
    const cfg = map([' match sender-address regex class c', '  drop-connection', ' no match sender-address regex class c'], [...REGEXES, ...cls('c', 'match-any', ['spam1'])]);
    expect(mail(engine(cfg), 'x@spam.example')).toBeUndefined();
  });

  it('errors like the device, with line and column', () => {
    expect(errors(map([' match sender-address regex class nosuch', '  log']))).toEqual([
      { line: 2, col: 35, message: 'ERROR: class-map nosuch not found', hint: 'define it first: class-map type regex match-any nosuch' },
    ]);
    expect(errors(['class-map type regex match-any c', ' match regex nosuch'].join('\n'))).toEqual([
      { line: 2, col: 14, message: 'ERROR: regex nosuch not present', hint: 'define it first: regex nosuch "pattern"' },
    ]);
    expect(errors('class-map type regex c')[0]).toMatchObject({ line: 1, col: 22, hint: 'expected `class-map type regex match-any NAME`' });
    expect(errors('class-map type regex match-any')[0]).toMatchObject({ line: 1, col: 31 });
    expect(errors(['regex a x', 'class-map type regex match-any c', ' match sender-address a'].join('\n'))[0]).toMatchObject({ line: 3, col: 8, hint: 'a regex class takes `match regex NAME`' });
    expect(errors(map([' match sender-address regex class', '  log']))[0]).toMatchObject({ line: 2, col: 34 });
    expect(errors(map([' match sender-address regex class c d', '  log']), 'asa 9.x')[0]).toMatchObject({ line: 2, col: 37 });
    expect(errors('class-map type regex match-any c', 'asa 7.0(1)')[0]).toMatchObject({ line: 1, col: 11 });
    expect(errors(map([' match sender-address regex class c', '  log'], [...REGEXES, ...cls('c', 'match-any', ['spam1']), 'no class-map type regex match-any c']))[0]).toMatchObject({ line: 9, message: 'ERROR: class-map c not found' });
  });
});
