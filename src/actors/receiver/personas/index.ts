import type { Persona, PersonaName } from '../persona.js';
import { asyncos } from './asyncos.js';
import { exchange } from './exchange.js';
import { generic } from './generic.js';
import { postfix } from './postfix.js';
import { sendmail } from './sendmail.js';

/** Every persona by name; a `PersonaName` without an entry does not compile. */
export const personas: Record<PersonaName, Persona> = {
  asyncos,
  postfix,
  sendmail,
  exchange,
  generic,
};
