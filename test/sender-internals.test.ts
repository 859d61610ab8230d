import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { INTERNALS, missingInternals, TESTED_WITH } from '../src/actors/sender/nodemailer-internals.js';
import { describeInternals } from './helpers/internals.js';

describeInternals({
  pkg: 'nodemailer',
  user: 'the builtin sender',
  own: 'src/actors/sender/nodemailer-internals.ts',
  internals: INTERNALS,
  missingInternals,
  testedWith: TESTED_WITH,
  drop: { proto: SMTPConnection.prototype, member: '_upgradeConnection', expected: 'SMTPConnection._upgradeConnection (method)' },
  // smtp-server's connection has members of the same names (the receiver): the sender's folder is what counts
  scope: { dir: 'src/actors/sender' },
});
