/**
 * Which findings belong to a pull request. Privilege mistakes are about order: a change that adds `parse_args()` before
 * an untouched drop makes a finding whose own line did not change. So a finding is part of the change when any location
 * on its path (its own, its related locations) is.
 */
import type { SourceLoc } from '../model.js';
import type { Finding } from '../rules/rule.js';
import type { ChangedLines, FileChange } from './diff.js';

export const FILTER_MODES = ['added', 'diff_context', 'file', 'nofilter'] as const;
export type FilterMode = (typeof FILTER_MODES)[number];

/** How near a change (in lines) a location must be for `diff_context`. */
export const CONTEXT_LINES = 3;

export const FILTER_DESCRIPTIONS: Record<FilterMode, string> = {
  added: 'findings with a location on their path on a line the change added or modified',
  diff_context: `findings with a location on their path within ${CONTEXT_LINES} lines of a change`,
  file: 'findings with a location on their path in a file the change touched',
  nofilter: 'every finding',
};

/** The finding's own location first, then its path in order. */
export function pathLocations(f: Finding): SourceLoc[] {
  return [f.loc, ...f.related.map((r) => r.loc)];
}

function lineSpan(loc: SourceLoc): [number, number] {
  return [loc.line, Math.max(loc.line, loc.endLine || loc.line)];
}

function touches(loc: SourceLoc, change: FileChange, mode: Exclude<FilterMode, 'nofilter'>): boolean {
  if (mode === 'file') return true;
  const [first, last] = lineSpan(loc);
  const margin = mode === 'diff_context' ? CONTEXT_LINES : 0;
  for (let line = first - margin; line <= last + margin; line++) if (change.added.has(line)) return true;
  // Removed lines sat between lines `after` and `after + 1` of the new version: only context reaches them.
  return mode === 'diff_context' && change.removedAfter.some((after) => first <= after + margin && last > after - margin);
}

/** The first location on the finding's path that the change touched in this mode (its own location when that one is), or undefined. */
export function touchedLocation(f: Finding, changes: ChangedLines | undefined, mode: FilterMode): SourceLoc | undefined {
  if (mode === 'nofilter' || !changes) return f.loc;
  return pathLocations(f).find((loc) => {
    const change = changes.get(loc.file);
    return change !== undefined && touches(loc, change, mode);
  });
}
