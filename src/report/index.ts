import { bundle } from './reporters/bundle.js';
import { console } from './reporters/console.js';
import { html } from './reporters/html.js';
import { json } from './reporters/json.js';
import { junit } from './reporters/junit.js';
import { pcap } from './reporters/pcap.js';
import type { ReporterFactory } from './types.js';

/** Built-in reporters; `--reporter` names are these keys. */
export const reporters = { console, json, junit, html, pcap, bundle } satisfies Record<string, ReporterFactory>;
export type ReporterName = keyof typeof reporters;
export { multiplex } from './multiplex.js';
export type { Reporter, ReporterOptions } from './types.js';
