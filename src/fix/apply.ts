/** `privlint --fix`: apply the findings' edits, pass after pass, until no fix is left that can be applied. */
import type { PrivlintConfig } from '../config.js';
import { analyzeSources, type AnalysisResult, type SourceFile } from '../engine.js';
import type { Finding } from '../rules/rule.js';
import { applyFixes, compatibleFixes, type Fix } from './edit.js';

/** Fixes that overlap wait for the next pass; a pass re-analyses the edited code. */
const MAX_PASSES = 10;

export interface FixOutcome {
  /** The sources after fixing (unchanged ones included). */
  sources: SourceFile[];
  /** Fixes applied, over all passes. */
  applied: number;
}

/** `reported` picks the findings a run would report (suppressed and baselined ones are not fixed); default: all. */
export async function fixSources(
  sources: SourceFile[],
  config: PrivlintConfig,
  reported: (result: AnalysisResult, sources: SourceFile[]) => Finding[] = (result) => result.findings,
): Promise<FixOutcome> {
  let current = sources;
  let applied = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const findings = reported(await analyzeSources(current, config), current);
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
