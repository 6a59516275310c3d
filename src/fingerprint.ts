/**
 * Finding fingerprints that survive unrelated edits (lines inserted above, reformatting, the function moved within
 * its file): rule, file, enclosing function, the code at the finding with all white space removed, and which
 * occurrence of that code it is. The baseline and SARIF `partialFingerprints` use the same values.
 */
import { createHash } from 'node:crypto';
import { compareFindings } from './engine.js';
import type { SourceLoc } from './model.js';
import type { Finding } from './rules/rule.js';

/** Source lines of a file, when they can be read. */
export type LineSource = (file: string) => string[] | undefined;

export interface FingerprintParts {
  ruleId: string;
  file: string;
  /** The enclosing named function; empty at file level or when unknown. */
  function: string;
  /** The code at the primary location without white space (at most CODE_LIMIT characters). */
  code: string;
  /** 1 for the first finding with these values in the file, 2 for the next… */
  occurrence: number;
}

const CODE_LIMIT = 200;

/** The code a location covers, white space removed. */
export function normalisedCode(loc: SourceLoc, lines: LineSource): string {
  const text = lines(loc.file);
  if (!text) return '';
  const parts: string[] = [];
  for (let line = loc.line; line <= loc.endLine && line <= text.length; line++) {
    const whole = text[line - 1] ?? '';
    const start = line === loc.line ? loc.column - 1 : 0;
    const end = line === loc.endLine ? loc.endColumn - 1 : whole.length;
    parts.push(whole.slice(start, Math.max(start, end)));
    if (parts.reduce((n, p) => n + p.length, 0) > CODE_LIMIT * 4) break;
  }
  return parts.join('').replace(/\s+/g, '').slice(0, CODE_LIMIT);
}

/** The parts of every finding's fingerprint; occurrences are counted over this whole list, in source order. */
export function fingerprintParts(findings: readonly Finding[], lines: LineSource): Map<Finding, FingerprintParts> {
  const parts = new Map<Finding, FingerprintParts>();
  const seen = new Map<string, number>();
  for (const f of [...findings].sort(compareFindings)) {
    const p = { ruleId: f.ruleId, file: f.loc.file, function: f.function ?? '', code: normalisedCode(f.loc, lines) };
    const key = JSON.stringify(p);
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    parts.set(f, { ...p, occurrence });
  }
  return parts;
}

export function fingerprintOf(p: FingerprintParts): string {
  return createHash('sha256').update([p.ruleId, p.file, p.function, p.code, String(p.occurrence)].join('\0')).digest('hex').slice(0, 32);
}

/** Every finding's fingerprint. */
export function fingerprints(findings: readonly Finding[], lines: LineSource): Map<Finding, string> {
  return new Map([...fingerprintParts(findings, lines)].map(([f, p]) => [f, fingerprintOf(p)]));
}
