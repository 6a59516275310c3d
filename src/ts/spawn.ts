/**
 * child_process and cluster calls that start a child under other ids: `spawn(cmd, args, { uid, gid })`. The child
 * changes ids, the caller does not, so these are `spawn` events, never drops of the caller's ids.
 */
import type { Node } from 'web-tree-sitter';
import type { EventShape } from '../call-meaning.js';
import { resolve, type ModuleConstants } from './accounts.js';
import { namedChildren, unwrap } from './syntax.js';

const SPAWNING = /^(?:child_process\.(?:spawn|spawnSync|execFile|execFileSync|exec|execSync|fork)|cluster\.(?:setupPrimary|setupMaster))$/;

/** The source text of each property an object literal sets; undefined when a spread may set more. */
export function properties(object: Node): Map<string, string> | undefined {
  const props = new Map<string, string>();
  for (const p of namedChildren(object)) {
    if (p.type === 'spread_element') return undefined;
    if (p.type === 'shorthand_property_identifier') props.set(p.text, p.text);
    else if (p.type === 'pair') {
      const key = p.childForFieldName('key');
      const value = p.childForFieldName('value');
      if (key && value) props.set(key.text.replace(/^['"]|['"]$/g, ''), unwrap(value).text);
    }
  }
  return props;
}

/**
 * A spawn event for a call that starts a child with a uid or gid option; none when the options are not an object
 * the code shows (built elsewhere, or spread from another object).
 */
export function spawnEvent(api: string, args: Node[], constants: ModuleConstants): EventShape[] {
  if (!SPAWNING.test(api)) return [];
  const options = args.map((a) => resolve(a, constants)).find((a) => a.type === 'object');
  // Options in a variable the function fills field by field (`options.uid = …`): the function's graph says which
  // fields it holds at the call (see `spawnOptionFields`).
  const variable = options ? undefined : args.slice(1).reverse().map(unwrap).find((a) => a.type === 'identifier');
  if (variable) return [{ kind: 'spawn', api, optionsVariable: variable.text }];
  const props = options && properties(options);
  if (!props || (!props.has('uid') && !props.has('gid'))) return [];
  const uid = props.get('uid');
  const gid = props.get('gid');
  return [{ kind: 'spawn', api, ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}) }];
}
