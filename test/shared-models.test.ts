/**
 * A cache hands the same C model to every analysis of its file (the project index, at each keystroke): nothing may
 * change a model after parsing. Every fixture is analysed here with its C models frozen as they are stored, before
 * the project is built from them; a change would throw, or give other findings than the annotations.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/engine/cache.js';
import type { UnitResult } from '../src/engine.js';
import type { FileModel } from '../src/model.js';
import { RULES } from '../src/rules/index.js';
import { checkUnit, fixtureUnits } from '../src/testing/expectations.js';

const root = path.resolve(__dirname, '..');
const fixtures = path.join(root, 'fixtures');
const units = (await fixtureUnits(fixtures)).filter((u) => path.relative(fixtures, u).startsWith(`c${path.sep}`));
const coreRules = new Set(RULES.filter((r) => r.core).map((r) => r.id));

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Models frozen as they are stored; no unit result is remembered, so that every run builds its project. */
class FreezingStore extends MemoryStore<UnitResult> {
  override setModel(key: string, model: FileModel, idBase: number): void {
    super.setModel(key, model, idBase);
    deepFreeze(super.getModel(key)!.model);
  }

  override getResult(): UnitResult | undefined {
    return undefined;
  }
}

describe('shared C models', () => {
  it('a frozen model is handed out as it is (the test below would prove nothing otherwise)', () => {
    const store = new FreezingStore();
    const model = { path: 'a.c', language: 'c', functions: [] } as unknown as FileModel;
    store.setModel('k', model, 1000);
    expect(store.getModel('k')!.model).toBe(model);
    expect(Object.isFrozen(model)).toBe(true);
  });

  it.each(units.map((u) => [path.relative(fixtures, u), u]))('%s: the same findings from frozen models', async (_name, unit) => {
    const store = new FreezingStore();
    for (const run of ['parsed', 'cached']) {
      const result = await checkUnit(unit, coreRules, root, { store });
      expect({ run, missing: result.missing, unexpected: result.unexpected }).toEqual({ run, missing: [], unexpected: [] });
    }
  });
});
