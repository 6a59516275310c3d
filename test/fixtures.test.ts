/** Every fixture states its expectations in place (`ruleid:` / `ok:`); the findings must be exactly that set. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/rules/index.js';
import { checkUnit, fixtureUnits } from '../src/testing/expectations.js';

const root = path.resolve(__dirname, '..');
const fixtures = path.join(root, 'fixtures');
const units = await fixtureUnits(fixtures);
const coreRules = RULES.filter((r) => r.core).map((r) => r.id);

/**
 * Every fixture is held to the core rules and to the rule it is filed under (fixtures/<c|ts|js>/<rule>/...): a
 * further rule is asserted exactly in its own fixtures, whatever set it belongs to.
 */
function rulesFor(unit: string): Set<string> {
  const folder = path.relative(fixtures, unit).split(path.sep)[1]!;
  return new Set([...coreRules, ...RULES.filter((r) => r.id === folder).map((r) => r.id)]);
}

describe('fixtures', () => {
  it('exist for every rule: bad, good and idioms', () => {
    for (const rule of RULES) {
      for (const kind of ['bad.c', 'good.c', 'idioms.c']) {
        expect(existsSync(path.join(fixtures, 'c', rule.id, kind)), `${rule.id}/${kind}`).toBe(true);
      }
    }
  });

  it.each(units.map((u) => [path.relative(fixtures, u), u]))('%s', async (_name, unit) => {
    const result = await checkUnit(unit, rulesFor(unit), root);
    expect(result.annotations, 'a fixture without annotations tests nothing').toBeGreaterThan(0);
    expect({ missing: result.missing, unexpected: result.unexpected }).toEqual({ missing: [], unexpected: [] });
  });
});
