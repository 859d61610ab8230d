import type { Command } from '../command.js';

/** A CLI verb as the help lists it; its module (and what it imports) is loaded only when it runs. */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/** The CLI verbs; the key is what the user types. `mxlab proxy` does not load the runner, the docker runtime or the scenario loader. */
export const commands: Record<string, CommandEntry> = {
  run: { summary: 'run scenarios and check their expectations', load: async () => (await import('./run.js')).run },
  merge: { summary: 'join the result.json files of a sharded run into one report', load: async () => (await import('./merge.js')).merge },
  replay: { summary: 'run a bundle again and compare every verdict with the recorded one', load: async () => (await import('./replay.js')).replay },
  validate: { summary: 'check scenario files without running them', load: async () => (await import('./validate.js')).validate },
  explain: { summary: 'show what each firewall of a scenario does: release, config lines in effect, rules, knobs', load: async () => (await import('./explain.js')).explain },
  devices: { summary: 'list the emulated firewalls, or show what one device version does', load: async () => (await import('./devices.js')).devices },
  proxy: { summary: 'run the firewall emulator alone, in front of any SMTP server', load: async () => (await import('./proxy.js')).proxy },
  receiver: { summary: 'run a receiver persona alone (asyncos, postfix, sendmail, exchange, generic)', load: async () => (await import('./receiver.js')).receiver },
  images: { summary: 'build the docker runtime images (content-hash tags) or bootstrap the base image offline', load: async () => (await import('./images.js')).imagesCommand },
  schema: { summary: 'print the JSON Schema of scenario files (for editors)', load: async () => (await import('./schema.js')).schema },
  dns: { summary: 'run the lab resolver and MTA-STS policy host of one cell from a data file (internal)', load: async () => (await import('./dns.js')).dns },
  deliver: { summary: 'deliver one message with the builtin sender, print the result as JSON (internal)', load: async () => (await import('./deliver.js')).deliverCommand },
};
