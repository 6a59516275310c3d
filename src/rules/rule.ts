/** What a rule is: metadata (docs, SARIF) and a check over the language-neutral model. */
import type { ResultJudge } from '../analysis/results.js';
import type { Project } from '../analysis/project.js';
import type { Supergraph } from '../analysis/supergraph.js';
import type { SeverityLevel } from '../config.js';
import type { EditIntent, Fix } from '../fix/edit.js';
import type { PrivilegeEvent, SourceLoc } from '../model.js';

export interface RuleDocs {
  /** What it does. */
  what: string;
  /** Why is this bad. */
  why: string;
  /** Example (C). */
  example: string;
  /** Use instead (C). */
  useInstead: string;
  references: string[];
}

export interface RuleMeta {
  id: string;
  severity: SeverityLevel;
  /** One line. */
  short: string;
  docs: RuleDocs;
  cwe: string[];
  /** GitHub code scanning `security-severity` (0.0–10.0). */
  securitySeverity: number;
  tags: string[];
  /** One of the seven rules the mission names. */
  core: boolean;
}

export interface RelatedLocation {
  loc: SourceLoc;
  message: string;
}

/**
 * A line of the code cited in a message (`cited\`… (line ${lineOf(drop.loc)})\``). It is written out only through
 * `cited` and `written`: in a plain template it throws, so that no message cites a line the engine cannot see.
 */
export class LineCitation {
  constructor(readonly loc: SourceLoc) {}
  toString(): string {
    throw new Error('a line is cited in a message only through cited`…`');
  }
}

/**
 * A message that cites lines of the code: the engine writes it out (`written`), and can write it again for the same
 * events moved by an edit (a comment added above them: engine/placed.ts).
 */
export class CitingMessage {
  constructor(readonly parts: readonly (string | LineCitation)[]) {}
  toString(): string {
    throw new Error('a message that cites lines is written out only by the engine');
  }
}

/** A message as a rule reports it: plain text, or text that cites lines (`cited`). */
export type MessageText = string | CitingMessage;

export const lineOf = (loc: SourceLoc): LineCitation => new LineCitation(loc);

/** A message citing lines: `cited\`… (line ${lineOf(e.loc)})\``; other values are written as text, messages inlined. */
export function cited(strings: TemplateStringsArray, ...values: (string | number | LineCitation | CitingMessage)[]): CitingMessage {
  const parts: (string | LineCitation)[] = [];
  let text = strings[0]!;
  values.forEach((v, i) => {
    if (v instanceof LineCitation || v instanceof CitingMessage) {
      for (const part of v instanceof LineCitation ? [v] : v.parts) {
        if (typeof part === 'string') text += part;
        else {
          parts.push(text, part);
          text = '';
        }
      }
    } else text += String(v);
    text += strings[i + 1]!;
  });
  parts.push(text);
  return new CitingMessage(parts);
}

/** The message's text, each cited line written as `lineAt` gives it (by default the line of its location). */
export function written(message: MessageText, lineAt: (loc: SourceLoc) => number = (loc) => loc.line): string {
  if (typeof message === 'string') return message;
  return message.parts.map((p) => (typeof p === 'string' ? p : String(lineAt(p.loc)))).join('');
}

export interface Finding {
  ruleId: string;
  severity: SeverityLevel;
  message: string;
  loc: SourceLoc;
  /** What to write instead: the corrected call or the ordered sequence, in the code's own terms. */
  fix: string;
  /** The events behind the finding, in path order. */
  related: RelatedLocation[];
  /** The edit that makes `fix`, where a local edit is safe. */
  autofix?: Fix;
  /** The named function the primary location is in (for fingerprints); absent at file level. */
  function?: string;
}

/**
 * The events every finding about a path is located at: a uid or gid change, a groups change, a chroot. A rule that
 * reports at another kind of event in a graph must be added here, or the graphs with only that kind go unchecked.
 */
export const REPORTED_AT: ReadonlySet<PrivilegeEvent['kind']> = new Set(['set-id', 'set-groups', 'chroot']);

/**
 * Where a finding about a path may be placed: at a `REPORTED_AT` event, or at the directory open that a jail or a
 * drop leaves open (leaked-dirfd), which may lie in another file. A rule that places a finding anywhere else must add
 * it here, or an editor asking for that file's findings is not given it.
 */
export const PLACED_AT: ReadonlySet<PrivilegeEvent['kind']> = new Set([...REPORTED_AT, 'dir-open']);

/** A finding as a rule reports it: its messages may cite lines (`cited`), and it may ask for an edit. */
export type ReportedFinding = Omit<Finding, 'ruleId' | 'severity' | 'autofix' | 'function' | 'message' | 'related'> & {
  message: MessageText;
  related: { loc: SourceLoc; message: MessageText }[];
  severity?: SeverityLevel;
  edit?: EditIntent;
};

export interface RuleContext {
  project: Project;
  judge: ResultJudge;
  /**
   * The programs' graphs to check in this call. The engine calls each rule once for the project (`projectPass`,
   * no graphs) and then once per graph, made one at a time so that a large project never holds them all. Only
   * graphs with an event a rule reports at (`REPORTED_AT`) are given: a graph without one cannot have a finding.
   */
  graphs: Supergraph[];
  /** This call is the one for questions about the project as a whole, not about paths through graphs. */
  projectPass: boolean;
  /**
   * The graphs of the program entries (`main`, a module run as a program) whose paths reach the event `eventId`.
   * Made when asked (the last few are kept), so that a project question never holds every program at once.
   */
  entryGraphsWith(eventId: number): Iterable<Supergraph>;
  report(finding: ReportedFinding): void;
  /**
   * No finding of this rule at `loc` would be kept: it reported one there already, or the engine answers for another
   * file only (the project index asked for one file's findings: `EngineOptions.focus`). A rule skips its path
   * questions there: asked about one event once per walk state (each combination of flags that reaches it), it asks
   * them for the first state that reports; asked about a graph that runs the file's code, only for that file's events.
   */
  decidedAt(loc: SourceLoc): boolean;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
}
