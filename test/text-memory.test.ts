/**
 * What an editor's host remembers per file text (text-memory.ts): computed once per text while trees are
 * remembered, every time otherwise, and the project questions built on it answer as they do without it, edit
 * after edit.
 */
import { describe, expect, it } from 'vitest';
import { unassignedGlobals } from '../src/c/globals.js';
import { rememberTrees } from '../src/parser.js';
import { nextTextRound, perText, wordsOf } from '../src/text-memory.js';

const A = 'int verbose = 0;\nint level = 2;\nvoid f(void) { if (verbose) g(level); }\n';
/** b.c, edit after edit: it sets `level`, then nothing, then `verbose`. */
const B = ['void h(void) { level = 3; }\n', 'void h(void) { g(0); }\n', 'void h(void) { verbose++; }\n'];

function globalsOf(b: string): [string, number][] {
  return [...unassignedGlobals([{ path: 'a.c', text: A }, { path: 'b.c', text: b }], new Map(), [A, b].map(wordsOf))].sort();
}

describe('per-text memory', () => {
  it('computes every time in a one-shot run, once per text in an editor host; the answers do not change', () => {
    let calls = 0;
    const length = perText((text: string) => {
      calls++;
      return text.length;
    });
    const without = B.map(globalsOf);
    expect(without).toEqual([[['verbose', 0]], [['level', 2], ['verbose', 0]], [['level', 2]]]);
    expect([length('ab'), length('ab'), calls]).toEqual([2, 2, 2]);

    rememberTrees(1);
    expect([length('abc'), length('abc'), length('ab'), calls]).toEqual([3, 3, 2, 4]);
    // Edit after edit, and back: the remembered pieces give what a run without memory gives.
    for (const b of [...B, ...B.slice().reverse()]) expect(globalsOf(b)).toEqual(without[B.indexOf(b)]);
  });

  it('keeps the texts of the last two rounds of an editor host, not every version typed', () => {
    rememberTrees(1);
    const computed: string[] = [];
    const length = perText((text: string) => {
      computed.push(text);
      return text.length;
    });
    // Round 1: the project's other file and the edited file's first text.
    length('other');
    length('edit 1');
    nextTextRound();
    // Round 2: the other file again (remembered), the next text of the edited file.
    length('other');
    length('edit 2');
    nextTextRound();
    // Round 3: the first text, asked for in neither of the last two rounds, was let go; the other file was not.
    length('other');
    length('edit 1');
    length('edit 2');
    expect(computed).toEqual(['other', 'edit 1', 'edit 2', 'edit 1']);
  });
});
