/** Turning the edit intents of findings into text edits, per file and language. */
import { createParser, parseBefore } from '../parser.js';
import type { Finding } from '../rules/rule.js';
import { languageOf } from '../files.js';
import { CEditor } from './c-editor.js';
import type { EditIntent, Fix } from './edit.js';

export interface PendingFix {
  finding: Finding;
  intent: EditIntent;
}

/** Attach `fix.edits` to the findings whose intent a language editor can make safely; the others keep only their text fix. */
export async function attachEdits(pending: PendingFix[], texts: ReadonlyMap<string, string>): Promise<void> {
  const byFile = new Map<string, PendingFix[]>();
  for (const p of pending) {
    const list = byFile.get(p.finding.loc.file) ?? [];
    list.push(p);
    byFile.set(p.finding.loc.file, list);
  }
  for (const [file, list] of byFile) {
    const text = texts.get(file);
    if (text === undefined || languageOf(file) !== 'c') continue; // Node: no editor yet
    const parser = await createParser('c');
    const tree = parseBefore(parser, text, Infinity, { memoryKey: `${file}\0whole text` });
    if (!tree) continue;
    try {
      const editor = new CEditor(file, text, tree);
      for (const p of list) {
        const edits = editor.edits(p.intent);
        if (edits?.length) p.finding.autofix = { description: p.finding.fix.split("\n")[0]!, edits } satisfies Fix;
      }
    } finally {
      tree.delete();
      parser.delete();
    }
  }
}
