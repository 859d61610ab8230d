import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { INTERNALS, missingInternals, TESTED_WITH } from '../src/actors/receiver/smtp-internals.js';
import { describeInternals } from './helpers/internals.js';

describeInternals({
  pkg: 'smtp-server',
  user: 'the persona layer',
  own: 'src/actors/receiver/smtp-internals.ts',
  internals: INTERNALS,
  missingInternals,
  testedWith: TESTED_WITH,
  drop: { proto: SMTPConnection.prototype, member: '_whenWritable', expected: 'SMTPConnection._whenWritable (method)' },
  scope: {
    dir: 'src',
    forbiddenImport: /from 'smtp-server\/lib\//,
    // nodemailer's client has members of the same names (the sender): only smtp-server's users count
    counts: (rel, text) => /from 'smtp-server'/.test(text) || rel.startsWith('src/actors/receiver/'),
  },
});
