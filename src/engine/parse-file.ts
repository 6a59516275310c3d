/** One file into its model: the step the engine runs per file, in the main thread or in a worker. */
import type { CallVocabulary } from '../call-meaning.js';
import type { MacroDefinition } from '../c/control-macros.js';
import type { ValueMacro } from '../c/value-macros.js';
import { analyzeCFile } from '../c/frontend.js';
import type { Diagnostic, FileModel, Language } from '../model.js';
import { InputLimitError } from '../parser.js';
import { analyzeNodeFile } from '../ts/frontend.js';

export interface ParseTask {
  path: string;
  /** The text to parse (a C file's irrelevant functions blanked out). */
  text: string;
  language: Language;
  /** Event ids of this file start here, so that they are the same however files are spread over workers. */
  idBase: number;
  stringMacros: [string, string][];
  /** Numeric constants of the project's headers that the file names. */
  numericConstants?: [string, number][];
  /** File-scope variables the project never sets that the file names, with the value they keep (c/globals.ts). */
  globalConstants?: [string, number][];
  /** Struct members the unit stores its functions in that the file names (c/members.ts): calls through them are calls. */
  memberCalls?: string[];
  /** The project headers' control-flow macros (`ABORT_FINALIZE(e)`, `CHKiRet(f)`). */
  controlMacros: [string, MacroDefinition][];
  /** The project headers' value macros (`SPECIFIED(c, a)`, value-macros.ts). */
  valueMacros?: [string, ValueMacro][];
  /** The configuration's checking wrappers and drop helpers. */
  vocabulary?: CallVocabulary;
}

/** Event ids per file: room for this many events in one file. */
export const IDS_PER_FILE = 1 << 20;

export async function parseFile(task: ParseTask): Promise<FileModel | Diagnostic> {
  let next = task.idBase;
  const nextEventId = (): number => next++;
  try {
    return task.language === 'c'
      ? await analyzeCFile(task.path, task.text, nextEventId, { stringMacros: new Map(task.stringMacros), numericConstants: new Map(task.numericConstants), globalConstants: new Map(task.globalConstants), memberCalls: new Set(task.memberCalls), controlMacros: new Map(task.controlMacros), valueMacros: new Map(task.valueMacros), vocabulary: task.vocabulary })
      : await analyzeNodeFile(task.path, task.text, nextEventId, task.vocabulary);
  } catch (e) {
    const message = e instanceof InputLimitError ? e.message : e instanceof RangeError ? 'nesting too deep to analyse; skipped' : `internal error while analysing: ${(e as Error).message}`;
    return { file: task.path, level: 'error', message };
  }
}

export function isDiagnostic(x: FileModel | Diagnostic): x is Diagnostic {
  return 'level' in x;
}
