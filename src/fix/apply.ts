/** `privlint --fix`: apply the findings' edits, pass after pass, until no fix is left that can be applied. */
import type { PrivlintConfig } from '../config.js';
import { analyzeSources, type SourceFile } from '../engine.js';
import { applyFixes, compatibleFixes, type Fix } from './edit.js';

/** Fixes that overlap wait for the next pass; a pass re-analyses the edited code. */
const MAX_PASSES = 10;

export interface FixOutcome {
  /** The sources after fixing (unchanged ones included). */
  sources: SourceFile[];
  /** Fixes applied, over all passes. */
  applied: number;
}

export async function fixSources(sources: SourceFile[], config: PrivlintConfig): Promise<FixOutcome> {
  let current = sources;
  let applied = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { findings } = await analyzeSources(current, config);
    const byFile = new Map<string, Fix[]>();
    for (const f of findings) if (f.autofix) byFile.set(f.loc.file, [...(byFile.get(f.loc.file) ?? []), f.autofix]);
    let changed = false;
    current = current.map((src) => {
      const fixes = compatibleFixes(byFile.get(src.path) ?? []);
      if (!fixes.length) return src;
      const text = applyFixes(src.text, fixes);
      if (text === src.text) return src;
      applied += fixes.length;
      changed = true;
      return { ...src, text };
    });
    if (!changed) break;
  }
  return { sources: current, applied };
}
