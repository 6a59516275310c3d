/** The annotations of a step: GitHub shows at most 10 errors and 10 warnings (and 10 notices) a step, so the most severe go first. */
import type { SourceLoc } from '../model.js';
import { ANNOTATION_LEVEL, findingAnnotation, workflowCommand } from '../report/github.js';
import type { LineSource } from '../report/text.js';
import type { Finding, Rule } from '../rules/rule.js';

/** Annotations of one level that GitHub shows for a step. */
export const ANNOTATION_LIMIT = 10;

/** A finding in a pull request's scope, and where the reviewer should see it (a location on its path that the change touched). */
export interface ScopedFinding {
  finding: Finding;
  at: SourceLoc;
}

const RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, note: 2 };

/** Errors, then warnings, then notes; within a level, the higher security-severity first; otherwise the engine's order. */
export function mostSevereFirst<T extends { finding: Finding }>(items: T[], rules: readonly Rule[]): T[] {
  const security = new Map(rules.map((r) => [r.id, r.securitySeverity]));
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => RANK[a.item.finding.severity] - RANK[b.item.finding.severity] || (security.get(b.item.finding.ruleId) ?? 0) - (security.get(a.item.finding.ruleId) ?? 0) || a.index - b.index)
    .map(({ item }) => item);
}

/** Workflow commands for the first `ANNOTATION_LIMIT` findings of each level (`ordered` is most severe first), and how many were left out. */
export function cappedAnnotations(ordered: ScopedFinding[], lines?: LineSource): { commands: string[]; omitted: number } {
  const shown = new Map<string, number>();
  const commands: string[] = [];
  for (const { finding, at } of ordered) {
    const level = ANNOTATION_LEVEL[finding.severity];
    const count = shown.get(level) ?? 0;
    if (count >= ANNOTATION_LIMIT) continue;
    shown.set(level, count + 1);
    commands.push(workflowCommand(findingAnnotation(finding, lines, at)));
  }
  return { commands, omitted: ordered.length - commands.length };
}
