import type { z } from 'zod';
import { describeValue, didYouMean, dottedPath, oneOf, type Diagnostic } from './diagnostics.js';
import type { PositionIndex } from './positions.js';

type Issue = z.core.$ZodIssue & { input?: unknown };
type AnySchema = { _zod: { def: Record<string, unknown> & { type: string } } };

/** Turns zod issues into positioned diagnostics with expected/got and a hint. */
export function issuesToDiagnostics(file: string, issues: Issue[], pos: PositionIndex, schema: AnySchema, data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    const at = (p: PropertyKey[], key = false) => ({ file, ...pos.at(p, { key }) });
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = shapeKeys(schemaAt(schema, path, data));
        for (const key of issue.keys) {
          out.push({
            ...at([...path, key], true),
            path: dottedPath([...path, key]),
            message: `expected ${known.length ? `a key among ${known.join(', ')}` : 'no such key'}, got unknown key "${key}"`,
            hint: didYouMean(key, known) ?? 'remove it, unknown keys are errors',
          });
        }
        break;
      }
      case 'invalid_union': {
        const disc = (issue as { discriminator?: string; options?: string[] }).discriminator;
        const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
        const input = disc ? getIn(data, path) : issue.input;
        out.push({
          ...at(path),
          path: dottedPath(path),
          message: disc ? `expected ${disc} ${oneOf(options)}, got ${describeValue(input)}` : `expected one of the allowed forms, got ${describeValue(input)}`,
          hint: typeof input === 'string' ? didYouMean(input, options) : disc ? `add "${disc}: ${options[0]}"` : undefined,
        });
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map(String);
        const input = getIn(data, path);
        out.push({
          ...at(path),
          path: dottedPath(path),
          message: `expected ${oneOf(values)}, got ${describeValue(input)}`,
          hint: typeof input === 'string' ? didYouMean(input, values) : undefined,
        });
        break;
      }
      case 'invalid_type': {
        const input = getIn(data, path);
        const missing = input === undefined;
        const key = path[path.length - 1];
        out.push({
          ...at(path),
          path: dottedPath(path),
          message: missing ? `expected ${issue.expected}, got nothing (required key missing)` : `expected ${issue.expected}, got ${describeValue(input)}`,
          hint: missing && typeof key === 'string' ? `add "${key}:"` : undefined,
        });
        break;
      }
      case 'invalid_key': {
        const key = path[path.length - 1];
        const inner = (issue as { issues?: { message: string }[] }).issues?.[0]?.message ?? 'a valid key';
        out.push({ ...at(path, true), path: dottedPath(path), message: `expected ${lowerFirst(inner)} as the key, got ${describeValue(String(key))}` });
        break;
      }
      default: {
        const input = getIn(data, path);
        const expected = issue.code === 'invalid_format' ? (issue.message.startsWith('Invalid') ? issue.format : issue.message) : issue.message;
        out.push({ ...at(path), path: dottedPath(path), message: `expected ${lowerFirst(expected)}, got ${describeValue(input)}` });
      }
    }
  }
  return out;
}

function lowerFirst(s: string): string {
  return s.replace(/^Too small: expected /, '').replace(/^Too big: expected /, '').replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
}

export function getIn(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** Walks a zod schema along a data path (unwrapping optional/default, picking union members by data). */
export function schemaAt(schema: AnySchema | undefined, path: readonly PropertyKey[], data: unknown): AnySchema | undefined {
  let s = unwrap(schema);
  let d = data;
  for (const seg of path) {
    if (!s) return undefined;
    s = pickUnion(s, d);
    const def = s._zod.def;
    if (def.type === 'object') s = (def.shape as Record<string, AnySchema>)[String(seg)];
    else if (def.type === 'record') s = def.valueType as AnySchema;
    else if (def.type === 'array') s = def.element as AnySchema;
    else return undefined;
    s = unwrap(s);
    d = d && typeof d === 'object' ? (d as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return s ? pickUnion(s, d) : undefined;
}

function unwrap(s: AnySchema | undefined): AnySchema | undefined {
  while (s && ['optional', 'default', 'nullable', 'prefault'].includes(s._zod.def.type)) s = s._zod.def.innerType as AnySchema;
  return s;
}

function pickUnion(s: AnySchema, d: unknown): AnySchema {
  const def = s._zod.def;
  if (def.type !== 'union') return s;
  const options = def.options as AnySchema[];
  const disc = def.discriminator as string | undefined;
  if (disc && d && typeof d === 'object') {
    const want = (d as Record<string, unknown>)[disc];
    const hit = options.find((o) => (o._zod.def.shape as Record<string, AnySchema> | undefined)?.[disc]?._zod.def.values?.toString() === String(want));
    if (hit) return hit;
  }
  if (d && typeof d === 'object') {
    const keys = Object.keys(d);
    const hit = options.find((o) => o._zod.def.type === 'object' && keys.every((k) => k in (o._zod.def.shape as object)));
    if (hit) return hit;
  }
  return options[0];
}

export function shapeKeys(s: AnySchema | undefined): string[] {
  if (!s) return [];
  if (s._zod.def.type === 'object') return Object.keys(s._zod.def.shape as object);
  if (s._zod.def.type === 'union') return [...new Set((s._zod.def.options as AnySchema[]).flatMap(shapeKeys))];
  return [];
}
