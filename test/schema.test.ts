import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/scenario/schema.js';
import { ROOT } from './helpers/cli.js';

describe('schema.json', () => {
  it('is the JSON Schema generated from the zod schema (regenerate: npx mxlab schema > schema.json)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('forbids unknown keys on nodes, like the loader', () => {
    const s = scenarioJsonSchema() as { properties: { nodes: { additionalProperties: { oneOf: { additionalProperties: boolean }[] } } } };
    for (const variant of s.properties.nodes.additionalProperties.oneOf) expect(variant.additionalProperties).toBe(false);
  });
});
