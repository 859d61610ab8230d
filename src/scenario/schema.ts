import { z } from 'zod';
import { OUTCOMES, PERSONA_NAMES, REASON_NAMES, RECEIVER_MTAS, RECEIVER_TLS, SENDER_MTAS, SENDER_TLS, STARTTLS_MODES } from '../vocabulary.js';

/**
 * The scenario format v1: the single source of truth. Types are inferred from it, the editor
 * JSON Schema (`mxlab schema`) is generated from it, every object is strict.
 */

const nodeName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name of letters, digits and -');

export { PERSONA_NAMES as personaNames, SENDER_MTAS as senderMtas, RECEIVER_TLS as receiverTls, SENDER_TLS as senderTls } from '../vocabulary.js';

export const senderNode = z
  .strictObject({
    role: z.literal('sender'),
    mta: z.enum(SENDER_MTAS).default('builtin').describe('builtin runs anywhere; postfix, exim, opensmtpd need --runtime docker'),
    tls: z.enum(SENDER_TLS).default('opportunistic').describe('TLS policy of the sending MTA'),
    via: nodeName.optional().describe('a firewall node this sender connects through'),
    hostname: z.string().min(1).optional().describe('EHLO name; default <node>.example'),
    timeout: z.number().int().positive().max(600_000).default(10_000).describe('per-step timeout in ms'),
  })
  .describe('An MTA that queues and delivers');

export const receiverNode = z
  .strictObject({
    role: z.literal('receiver'),
    persona: z.enum(PERSONA_NAMES).default('generic').describe('reply texts, EHLO list and limits of a real product'),
    mta: z.enum(RECEIVER_MTAS).default('builtin').describe('postfix = a real Postfix receiver (docker runtime)'),
    hostname: z.string().min(1).optional().describe('default <node>.example.com'),
    tls: z.enum(RECEIVER_TLS).default('preferred').describe('HAT mail-flow TLS setting: off | preferred | required'),
    size: z.number().int().positive().optional().describe('advertised and enforced SIZE'),
  })
  .describe('A receiving server persona');

export const firewallNode = z
  .strictObject({
    role: z.literal('firewall'),
    device: z.string().min(1).describe('product and version, e.g. "pix 7.2(2)", "asa 9.12(4)", "none"'),
    config: z.string().optional().describe("device configuration in the device's own CLI syntax"),
    'forwards-to': nodeName.describe('the node behind the firewall'),
  })
  .describe('A firewall emulator that inspects SMTP');

export const nodeSchema = z.discriminatedUnion('role', [senderNode, receiverNode, firewallNode]);

export const messageSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ -'),
  from: nodeName.describe('a sender node'),
  to: nodeName.describe('a receiver node'),
  subject: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  size: z.number().int().nonnegative().max(1 << 30).optional().describe('body size in bytes'),
  starttls: z.enum(STARTTLS_MODES).default('auto').describe('always = send STARTTLS even when not offered'),
  dkim: z.boolean().default(false).describe('sign with DKIM (h= lists Content-Type)'),
});

const stringList = z.array(z.string()).min(1);

export const expectationSchema = z.strictObject({
  message: z.string().describe('a message id'),
  when: z.record(z.string(), z.union([z.string(), stringList])).optional().describe('matrix cells this applies to'),
  outcome: z.enum(OUTCOMES).optional(),
  reason: z.enum(REASON_NAMES as [string, ...string[]]).optional(),
  tls: z.boolean().optional(),
  banner: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional(), equals: z.string().optional() }).optional(),
  ehlo: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional(), equals: stringList.optional() }).optional(),
  starttls: z.strictObject({ reply: z.string().optional(), sent: z.boolean().optional() }).optional(),
  replies: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }).optional().describe('every reply line the sender saw'),
  server: z.strictObject({ commands: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }) }).optional(),
  firewall: z.strictObject({ events: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }) }).optional(),
});

export const matrixSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9-]*\.[a-z-]+$/, 'node.field, e.g. fw.device'),
  z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
);

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  runtime: z.enum(['local', 'docker']).optional(),
  nodes: z.record(nodeName, nodeSchema),
  messages: z.array(messageSchema).min(1),
  expect: z.array(expectationSchema).default([]),
  matrix: matrixSchema.optional(),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type NodeSpec = z.output<typeof nodeSchema>;
export type SenderNode = z.output<typeof senderNode>;
export type ReceiverNode = z.output<typeof receiverNode>;
export type FirewallNode = z.output<typeof firewallNode>;
export type MessageSpecV1 = z.output<typeof messageSchema>;
export type Expectation = z.output<typeof expectationSchema>;

/** The JSON Schema for editors (`# yaml-language-server: $schema=…`). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
}
