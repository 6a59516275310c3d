import { fingerprintOf } from '../fingerprint.js';
import type { ReportInput } from '../outcome.js';
import type { Finding } from '../rules/rule.js';

function findingJson(f: Finding, result: ReportInput): Record<string, unknown> {
  const parts = result.fingerprints?.get(f);
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.loc.file,
    line: f.loc.line,
    column: f.loc.column,
    endLine: f.loc.endLine,
    endColumn: f.loc.endColumn,
    fix: f.fix,
    related: f.related.map((r) => ({ file: r.loc.file, line: r.loc.line, column: r.loc.column, message: r.message })),
    ...(f.autofix ? { edits: f.autofix.edits.map((e) => ({ file: e.file, ...e.range, replacement: e.replacement })) } : {}),
    ...(f.function !== undefined ? { function: f.function } : {}),
    ...(parts ? { fingerprint: fingerprintOf(parts) } : {}),
  };
}

export function formatJson(result: ReportInput): string {
  return `${JSON.stringify(
    {
      version: 1,
      findings: result.findings.map((f) => findingJson(f, result)),
      diagnostics: result.diagnostics,
      files: result.files.length,
      ...(result.suppressed ? { suppressed: result.suppressed.map((s) => ({ ...findingJson(s.finding, result), justification: s.justification })) } : {}),
      ...(result.baseline ? { baseline: result.baseline } : {}),
    },
    null,
    2,
  )}\n`;
}
