import { describe, expect, it } from 'vitest';
import { formatDiagnostic, ScenarioError } from '../src/scenario/diagnostics.js';
import { parseScenario } from '../src/scenario/load.js';

function problems(source: string): string[] {
  try {
    parseScenario(source, 'x.yaml');
  } catch (err) {
    if (err instanceof ScenarioError) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  return [];
}

const scenario = (sender: string, message = '{ id: m, from: pf, to: mx }') => `name: t
runtime: docker
nodes:
  mx: { role: receiver, mta: exim, hostname: mx.example.com }
  pf: ${sender}
messages:
  - ${message}
`;

/** What a real MTA node may be asked (issue 11, item 3): exit 2 at validation, naming the node and why. */
describe('real MTA nodes: validation', () => {
  it('starttls: always on a real MTA is an error naming the node and why', () => {
    expect(problems(scenario('{ role: sender, mta: postfix }', '{ id: m, from: pf, to: mx, starttls: always }'))).toEqual([
      'x.yaml:7:42 messages[0].starttls: expected starttls: auto for a message from the real MTA pf (mta: postfix), got "always" — a real MTA sends STARTTLS only when the server offers it, by its TLS policy; send this message from a builtin sender (mta: builtin) to send STARTTLS regardless',
    ]);
  });

  it('starttls: never on a real MTA needs tls: none on the node', () => {
    expect(problems(scenario('{ role: sender, mta: exim }', '{ id: m, from: pf, to: mx, starttls: never }'))[0]).toContain('set tls: none on pf');
    expect(problems(scenario('{ role: sender, mta: exim, tls: none }', '{ id: m, from: pf, to: mx, starttls: never }'))).toEqual([]);
  });

  it('a matrix over mta counts too', () => {
    const src = `${scenario('{ role: sender }', '{ id: m, from: pf, to: mx, starttls: always }')}matrix:\n  pf.mta: [builtin, opensmtpd]\n`;
    expect(problems(src)[0]).toContain('the real MTA pf (mta: opensmtpd)');
  });

  it('config: takes the form the MTA takes; image: and build: only on real MTAs, not both', () => {
    expect(problems(scenario('{ role: sender, mta: opensmtpd, config: { smtp_pix_workarounds: "" } }'))[0]).toContain('expected config as a list of smtpd.conf lines for mta: opensmtpd, got a map');
    expect(problems(scenario('{ role: sender, mta: postfix, config: ["x y"] }'))[0]).toContain('expected config as a map of settings (name: value) for mta: postfix, got a list');
    expect(problems(scenario('{ role: sender, image: my/mta:1 }'))[0]).toContain('expected image only on a real MTA node, got it on pf with mta: builtin');
    expect(problems(scenario('{ role: sender, mta: postfix, image: my/mta:1, build: ./x }'))[0]).toContain('expected image or build, got both');
    expect(problems(scenario('{ role: sender, mta: postfix, config: { smtp_pix_workarounds: "", message_size_limit: 1000 } }'))).toEqual([]);
  });

  it('mta: generic needs a generic: map and an image, with regexes that compile', () => {
    expect(problems(scenario('{ role: sender, mta: generic, image: my/mta:1 }'))[0]).toContain('expected a generic: map on pf (mta: generic), got none');
    const generic = '{ submit: [sendmail, -f, "{from}", "{to}"], ready: up, log: stdout, queue-id: "(\\\\w+): from=", delivered: Sent, deferred: Deferred, bounced: "dsn=5" }';
    expect(problems(scenario(`{ role: sender, mta: generic, generic: ${generic} }`))[0]).toContain('expected image: or build: on pf (mta: generic), got neither');
    expect(problems(scenario(`{ role: sender, mta: generic, image: my/mta:1, generic: ${generic} }`))).toEqual([]);
    expect(problems(scenario(`{ role: sender, mta: generic, image: my/mta:1, generic: ${generic.replace('delivered: Sent', 'delivered: "(unclosed"')} }`)).join('\n')).toContain('a valid regular expression');
    expect(problems(scenario(`{ role: sender, mta: postfix, generic: ${generic} }`))[0]).toContain('expected generic: only with mta: generic, got mta: postfix');
  });

  it('Exim and OpenSMTPD are receivers; generic is not', () => {
    expect(problems(scenario('{ role: sender, mta: postfix }').replace('mta: exim', 'mta: opensmtpd'))).toEqual([]);
    expect(problems(scenario('{ role: sender, mta: postfix }').replace('mta: exim', 'mta: generic'))[0]).toContain('nodes.mx.mta');
  });
});

describe('mta: generic submission argv', () => {
  it('{to} alone is one argument per envelope recipient, {from} the sender (<> for the null sender)', async () => {
    const { submitArgv } = await import('../src/runtime/docker/mta/generic.js');
    expect(submitArgv(['/usr/sbin/sendmail', '-f', '{from}', '--', '{to}'], 'a@x.example', ['b@y.example', 'c@y.example'])).toEqual(['/usr/sbin/sendmail', '-f', 'a@x.example', '--', 'b@y.example', 'c@y.example']);
    expect(submitArgv(['send', '--from={from}', '--to={to}'], '', ['b@y.example', 'c@y.example'])).toEqual(['send', '--from=<>', '--to=b@y.example']);
  });
});
