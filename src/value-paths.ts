/**
 * Values as the models name them: a variable, or a field path of one (`pw->pw_uid`, `o.ids.uid`), and how a
 * parameter's field is named by the caller that passed the parameter: one spelling for the C front-end, the analysis
 * and the fix writer.
 */
import type { CfgNode } from './model.js';

/** A variable or a field path of one: a value the caller can name, and an assignment can copy. */
const VALUE_PATH = /^[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*$/;
/** A field path, split: the variable and the rest (`o->ids.uid`: `o`, `->ids.uid`). */
const FIELD_PATH = /^([A-Za-z_]\w*)((?:\.|->)[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*)$/;
/** `&o.user`: the address of a variable or a field path. */
const ADDRESS_OF = /^&\s*([A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*)$/;

export function isValuePath(text: string): boolean {
  return VALUE_PATH.test(text);
}

/** A field path's variable and the rest after it (`o->user`: `o`, `->user`); undefined for a plain variable or anything else. */
export function fieldOf(name: string): { base: string; rest: string } | undefined {
  const m = FIELD_PATH.exec(name);
  return m ? { base: m[1]!, rest: m[2]! } : undefined;
}

/** The variable or field path whose address `text` is (`&o.user`: `o.user`). */
export function addressedPath(text: string): string | undefined {
  return ADDRESS_OF.exec(text.trim())?.[1];
}

/**
 * A parameter's field (`rest`: `->user`) as the caller names it, given the argument it passed: `o.user` for `&o`,
 * `cfg->user` for `cfg`; undefined for an argument that is no variable or field.
 */
export function callerField(arg: string, rest: string): string | undefined {
  const text = arg.trim();
  const address = addressedPath(text);
  if (address !== undefined && rest.startsWith('->')) return `${address}.${rest.slice(2)}`;
  return isValuePath(text) ? text + rest : undefined;
}

/**
 * The fields of a function's parameters (`p->user`) that its nodes test for being set (`Test.whenNull` known), where
 * it writes neither the parameter nor the field nor a part of it (`written`: what its nodes assign or update): those
 * it tests are then the caller's fields. By field: the parameter's index and the path after it.
 */
export function testedParameterFields(
  nodes: readonly CfgNode[],
  params: readonly string[],
  written: ReadonlySet<string>,
  each: (node: CfgNode, field: string, guard: { index: number; rest: string }, whenNull: boolean) => void,
): void {
  for (const n of nodes) for (const t of n.tests ?? []) {
    if (!('variable' in t.subject) || typeof t.whenNull !== 'boolean') continue;
    const v = t.subject.variable;
    const field = fieldOf(v);
    const index = field ? params.indexOf(field.base) : -1;
    if (index < 0) continue;
    if ([...written].some((w) => w === field!.base || v === w || v.startsWith(w + '.') || v.startsWith(w + '->') || w.startsWith(v + '.') || w.startsWith(v + '->'))) continue;
    each(n, v, { index, rest: field!.rest }, t.whenNull);
  }
}
