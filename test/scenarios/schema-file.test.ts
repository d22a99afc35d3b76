import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchema } from '../../src/cli/commands/schema.js';

describe('docs/scenario.schema.json', () => {
  it('is what `lbsim schema scenario` prints, so editors that follow $schema see the real format', () => {
    const committed = readFileSync('docs/scenario.schema.json', 'utf8');
    expect(committed).toBe(`${JSON.stringify(jsonSchema('scenario'), null, 2)}\n`);
  });
});
