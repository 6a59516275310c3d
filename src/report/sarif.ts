/** SARIF 2.1.0 for GitHub code scanning: repo-relative URIs, rule metadata, security-severity, stable fingerprints. */
import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import type { AnalysisResult } from '../engine.js';
import type { Finding, Rule } from '../rules/rule.js';
import { ruleMarkdown } from '../docs.js';
import type { Fix } from '../fix/edit.js';
import { docsPath } from '../links.js';

const LEVEL: Record<Finding['severity'], Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', note: 'note' };

export interface SarifOptions {
  version: string;
  /** Base for rule help links. */
  helpBase: string;
  /** Source lines by file, for fingerprints that survive line shifts. */
  lines?: (file: string) => string[] | undefined;
}

function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function fileOf(l: Sarif.Location | undefined): string {
  return decodeURIComponent(l?.physicalLocation?.artifactLocation?.uri ?? '');
}

function order(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order of findings (file, line, column, rule), which sharded logs are merged back into. */
export function compareResults(a: Sarif.Result, b: Sarif.Result): number {
  const [x, y] = [a.locations?.[0], b.locations?.[0]];
  return (
    order(fileOf(x), fileOf(y)) ||
    order(x?.physicalLocation?.region?.startLine ?? 0, y?.physicalLocation?.region?.startLine ?? 0) ||
    order(x?.physicalLocation?.region?.startColumn ?? 0, y?.physicalLocation?.region?.startColumn ?? 0) ||
    order(a.ruleId ?? '', b.ruleId ?? '')
  );
}

export function compareNotifications(a: Sarif.Notification, b: Sarif.Notification): number {
  const [x, y] = [a.locations?.[0], b.locations?.[0]];
  return order(fileOf(x), fileOf(y)) || order(x?.physicalLocation?.region?.startLine ?? 0, y?.physicalLocation?.region?.startLine ?? 0) || order(a.message.text ?? '', b.message.text ?? '');
}

function location(loc: Finding['loc'], message?: string): Sarif.Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: uri(loc.file) },
      region: { startLine: loc.line, startColumn: loc.column, endLine: loc.endLine, endColumn: loc.endColumn },
    },
    ...(message ? { message: { text: message } } : {}),
  };
}

function ruleDescriptor(rule: Rule, helpBase: string): Sarif.ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase()),
    shortDescription: { text: rule.short },
    fullDescription: { text: rule.docs.what },
    help: { text: `${rule.docs.why}\n\nUse instead:\n${rule.docs.useInstead}`, markdown: ruleMarkdown(rule) },
    helpUri: `${helpBase}${docsPath(rule.id)}`,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: rule.tags, precision: 'high', 'security-severity': rule.securitySeverity.toFixed(1), cwe: rule.cwe },
  };
}

function sarifFix(fix: Fix): Sarif.Fix {
  const files = [...new Set(fix.edits.map((e) => e.file))];
  return {
    description: { text: fix.description },
    artifactChanges: files.map((file) => ({
      artifactLocation: { uri: uri(file) },
      replacements: fix.edits
        .filter((e) => e.file === file)
        .map((e) => ({ deletedRegion: { ...e.range }, insertedContent: { text: e.replacement } })),
    })),
  };
}

function fingerprint(f: Finding, lineText: string, occurrence: number): string {
  return createHash('sha256').update(`${f.ruleId}\0${f.loc.file}\0${lineText.trim()}\0${occurrence}`).digest('hex').slice(0, 32);
}

export function toSarif(result: AnalysisResult, opts: SarifOptions): Sarif.Log {
  const rules = [...result.rules];
  const occurrences = new Map<string, number>();
  const results: Sarif.Result[] = result.findings.map((f) => {
    const lineText = opts.lines?.(f.loc.file)?.[f.loc.line - 1] ?? `${f.loc.line}`;
    const key = `${f.ruleId}|${f.loc.file}|${lineText.trim()}`;
    const n = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, n);
    const res: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: rules.findIndex((r) => r.id === f.ruleId),
      level: LEVEL[f.severity],
      message: { text: `${f.message}\nFix: ${f.fix}` },
      locations: [location(f.loc)],
      partialFingerprints: { primaryLocationLineHash: fingerprint(f, lineText, n) },
    };
    if (f.autofix) res.fixes = [sarifFix(f.autofix)];
    if (f.related.length) {
      res.relatedLocations = f.related.map((r, i) => ({ id: i + 1, ...location(r.loc, r.message) }));
      res.codeFlows = [{ threadFlows: [{ locations: [...f.related.map((r) => ({ location: location(r.loc, r.message) })), ...(f.related.some((r) => r.loc.line === f.loc.line && r.loc.file === f.loc.file) ? [] : [{ location: location(f.loc, 'finding') }])] }] }];
    }
    return res;
  }).sort(compareResults);
  const notifications: Sarif.Notification[] = result.diagnostics.map((d): Sarif.Notification => ({
    level: d.level === 'error' ? 'error' : 'warning',
    message: { text: `${d.file}: ${d.message}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: uri(d.file) }, ...(d.line ? { region: { startLine: d.line } } : {}) } }],
  })).sort(compareNotifications);
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'privlint', version: opts.version, informationUri: opts.helpBase, rules: rules.map((r) => ruleDescriptor(r, opts.helpBase)) } },
        automationDetails: { id: 'privlint/' },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}
