import type { AnalysisResult } from '../engine.js';

export function formatJson(result: AnalysisResult): string {
  return `${JSON.stringify(
    {
      version: 1,
      findings: result.findings.map((f) => ({
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
      })),
      diagnostics: result.diagnostics,
      files: result.files.length,
    },
    null,
    2,
  )}\n`;
}
