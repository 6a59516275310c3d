/** Node front-end: one TypeScript/JavaScript module → functions with control-flow graphs and privilege events. */
import type { Node, Parser } from 'web-tree-sitter';
import type { CallVocabulary } from '../call-meaning.js';
import type { FileModel, FunctionModel, IdClass } from '../model.js';
import { createParser, InputLimitError, mirrorIfSafe, parseBefore, type GrammarName } from '../parser.js';
import { deadlineIn, fileTimeLimitError, fileTimeLimitMs, modelWithin } from '../time-limit.js';
import { moduleConstants } from './accounts.js';
import { ModuleBindings, stripExtension } from './bindings.js';
import { idGetterClass, mentionsInput } from './calls.js';
import { NODE_NORETURN, NodeCfgBuilder, type NodeFileContext } from './cfg.js';
import { discoverFunctions, type FunctionSite } from './functions.js';
import { CallTargets, siteKey } from './resolution.js';
import { isTestModule } from './test-modules.js';
import { descendantsOfType, locOf, parameterNames, patternNames, unwrap } from './syntax.js';

const parsers = new Map<GrammarName, Promise<Parser>>();

function parserFor(file: string): Promise<Parser> {
  const grammar: GrammarName = /\.[jt]sx$/i.test(file) ? 'tsx' : 'typescript';
  let p = parsers.get(grammar);
  if (!p) {
    p = createParser(grammar);
    parsers.set(grammar, p);
  }
  return p;
}

/** The value and the names of each declaration and plain assignment in the module. */
function bindingsOf(root: Node): { names: string[]; value: Node }[] {
  const out: { names: string[]; value: Node }[] = [];
  for (const d of descendantsOfType(root, ['variable_declarator'])) {
    const value = d.childForFieldName('value');
    if (value) out.push({ names: patternNames(d.childForFieldName('name')), value });
  }
  for (const a of descendantsOfType(root, ['assignment_expression'])) {
    const left = a.childForFieldName('left');
    const value = a.childForFieldName('right');
    if (left && value) out.push({ names: left.type === 'identifier' ? [left.text] : patternNames(left), value });
  }
  return out;
}

/** `const uid = process.getuid()`: variables holding an id read from the process. */
function idVariablesOf(root: Node, bindings: ModuleBindings): Map<string, IdClass> {
  const vars = new Map<string, IdClass>();
  for (const { names, value } of bindingsOf(root)) {
    const v = unwrap(value);
    const cls = idGetterClass(v, bindings);
    if (!cls || names.length !== 1) continue;
    const name = names[0]!;
    vars.set(name, vars.has(name) && vars.get(name) !== cls ? 'other' : cls);
  }
  return vars;
}

/** Variables whose values come from input: `const args = minimist(process.argv.slice(2))`, `const cfg = args.config`. */
function taintedVariables(root: Node, bindings: ModuleBindings): Set<string> {
  const tainted = new Set<string>();
  const assignments = bindingsOf(root);
  const ctx = { tainted, bindings };
  for (let changed = true; changed; ) {
    changed = false;
    for (const { names, value } of assignments) {
      if (names.every((n) => tainted.has(n))) continue;
      const parsed = /^(?:commander|yargs|minimist|util\.parseArgs)\b/.test(bindings.qualify(value) ?? '');
      if (!parsed && !mentionsInput(value, ctx)) continue;
      for (const n of names) tainted.add(n);
      changed = true;
    }
  }
  return tainted;
}

function bodyOf(site: FunctionSite): Node | undefined {
  return site.node.type === 'program' ? site.node : (site.node.childForFieldName('body') ?? undefined);
}

export async function analyzeNodeFile(path: string, source: string, nextEventId: () => number, vocabulary?: CallVocabulary): Promise<FileModel> {
  const parser = await parserFor(path);
  const deadline = deadlineIn(fileTimeLimitMs());
  const tree = parseBefore(parser, source, deadline);
  if (!tree) throw fileTimeLimitError();
  // The model is read from a copy of the tree in plain objects (syntax-mirror.ts): the tree itself is let go.
  const root = mirrorIfSafe(tree, source);
  tree.delete();
  if (root instanceof InputLimitError) throw root;
  // Building the model counts against the file's time limit too.
  return modelWithin(deadline, () => {
    const moduleName = stripExtension(path);
    const bindings = new ModuleBindings(root, path);
    const idVariables = idVariablesOf(root, bindings);
    const model: FileModel = { path, language: 'node', functions: [], noreturnNames: [...NODE_NORETURN], macros: [], idVariables: Object.fromEntries(idVariables), diagnostics: [] };
    if (root.hasError) {
      const first = descendantsOfType(root, ['ERROR'])[0] ?? root;
      model.diagnostics.push({ file: path, level: 'warning', line: first.startPosition.row + 1, column: first.startPosition.column + 1, message: 'syntax error: part of this file could not be parsed; the rest was analysed' });
    }
    const sites = discoverFunctions(root, moduleName, bindings);
    const ctx: NodeFileContext = {
      file: path, nextEventId, bindings, idVariables, tainted: taintedVariables(root, bindings), constants: moduleConstants(root), sites,
      targets: new CallTargets(root, path, sites, bindings), isTest: isTestModule(root, path),
      functionNames: new Set([...sites.values()].map((s) => s.name).filter((n) => !n.startsWith('<'))),
      startsService: startsService(root, bindings), vocabulary,
    };
    for (const site of sites.values()) {
      const fn = functionModel(site, ctx);
      if (fn) model.functions.push(fn);
      else model.diagnostics.push({ file: path, level: 'warning', line: site.node.startPosition.row + 1, message: `function ${site.name} is nested too deeply to analyse; skipped (the rest of the file was analysed)` });
    }
    return model;
  });
}

/** The module starts something that keeps the event loop busy after its top level: a server's `listen`, a timer. */
function startsService(root: Node, bindings: ModuleBindings): boolean {
  return descendantsOfType(root, ['call_expression']).some((call) => {
    const fn = unwrap(call.childForFieldName('function')!);
    if (fn.type === 'member_expression' && fn.childForFieldName('property')?.text === 'listen') return true;
    return /^(?:setInterval|timers\.setInterval)$/.test(bindings.qualify(fn) ?? '');
  });
}

/** The model of one function, or undefined when it is nested too deeply to analyse. */
function functionModel(site: FunctionSite, ctx: NodeFileContext): FunctionModel | undefined {
  const body = bodyOf(site);
  const isModule = site.node.type === 'program';
  const isEntry = (isModule && !ctx.isTest) || site.handlesNetwork;
  let cfg;
  try {
    cfg = new NodeCfgBuilder(ctx, isEntry, site.node.id, isModule || site.runsLater === true).build(body ?? site.node, site.handlesNetwork ? site.node : undefined);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  return {
    name: site.name,
    key: siteKey(ctx.file, site),
    ...(isModule ? { runsOnce: true } : {}),
    ...(isModule && isEntry && ctx.startsService ? { keepsRunning: true as const } : {}),
    file: ctx.file,
    language: 'node',
    loc: locOf(ctx.file, isModule ? site.node.firstChild ?? site.node : site.node),
    isLocal: site.isLocal,
    params: isModule ? [] : parameterNames(site.node),
    returnsVoid: !cfg.nodes.some((n) => n.kind === 'return' && n.returnsValue),
    isEntry,
    declaredNoreturn: false,
    cfg,
  };
}
