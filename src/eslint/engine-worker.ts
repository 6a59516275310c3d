/**
 * The engine's thread for the ESLint plugin. ESLint rules are synchronous and the engine is not: rules post a
 * request and block on a shared word (Atomics.wait); this worker answers through the port and wakes them.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { CONFIG_FILES, loadConfig } from '../config-file.js';
import type { PrivlintConfig } from '../config.js';
import { displayPath } from '../files.js';
import { ProjectIndex } from '../project-index.js';
import { compactPath } from '../report/text.js';
import { SIGNAL, stamp, type EngineAnswer, type EngineRequest } from './protocol.js';

const { signal: shared, port } = workerData as { signal: SharedArrayBuffer; port: MessagePort };
const signal = new Int32Array(shared);

function wake(value: number): void {
  Atomics.store(signal, 0, value);
  Atomics.notify(signal, 0);
}

/** What a file a configuration can be read from is now: missing, or its modification time, size and inode. */
function fileStamp(file: string): string {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : '';
  } catch {
    return '';
  }
}

/**
 * The configuration found from each working directory, with every file it was or could have been read from on the
 * way (each directory's privlint.json, .privlintrc.json, package.json, from the working directory up to the one
 * read) as it was then: while all of them are as they were, loadConfig would find the same (a dozen synchronous
 * stats instead of its asynchronous search for each request).
 */
const configs = new Map<string, { found: { config: PrivlintConfig; file?: string }; stamps: [string, string][] }>();

async function configFor(cwd: string): Promise<{ config: PrivlintConfig; file?: string }> {
  const known = configs.get(cwd);
  if (known && known.stamps.every(([file, was]) => fileStamp(file) === was)) return known.found;
  const candidates: string[] = [];
  const top = path.resolve(cwd);
  for (let dir = top; ; dir = path.dirname(dir)) {
    for (const name of [...CONFIG_FILES, 'package.json']) candidates.push(path.join(dir, name));
    if (path.dirname(dir) === dir) break;
  }
  const before = candidates.map(fileStamp);
  const found = await loadConfig(cwd);
  const read = found.file === undefined ? candidates.length : candidates.findIndex((c) => path.dirname(c) === path.dirname(found.file!)) + CONFIG_FILES.length + 1;
  const stamps = candidates.slice(0, read).map((c, i): [string, string] => [c, before[i]!]);
  // Kept only if nothing changed while it was read (and a working directory that is a directory, as ESLint's is).
  if (stamps.every(([file, was]) => fileStamp(file) === was) && statSync(top, { throwIfNoEntry: false })?.isDirectory()) configs.set(cwd, { found, stamps });
  return found;
}

async function answer(request: EngineRequest): Promise<EngineAnswer> {
  const started = performance.now();
  const { file, cwd, text } = request;
  // privlint.json, found as `privlint .` run in ESLint's working directory finds it, gives the vocabulary (noreturn,
  // inputFunctions, checkingWrappers, dropHelpers, platform, ignore); eslint.config.js decides which rules report
  // and how severely, so the engine runs every rule.
  const { config, file: configFile } = await configFor(cwd);
  const indexOf = (f: string): Promise<ProjectIndex> => ProjectIndex.forFile(f, { ...config, rules: {}, ruleSet: 'strict' }, cwd);
  const index = await indexOf(file);
  const unparsedAnswers = index.unparsedAnswers;
  const { findings, diagnostics } = await index.update(file, text);
  const shown = displayPath(file, cwd);
  const lines = (other: string): string[] | undefined => {
    if (other === shown) return text.split('\n');
    try {
      return readFileSync(path.resolve(cwd, other), 'utf8').split('\n');
    } catch {
      return undefined;
    }
  };
  return {
    id: request.id,
    findings: findings.map((f) => (f.related.length ? { ...f, path: compactPath(f, lines) } : f)),
    diagnostics,
    engineMs: performance.now() - started,
    ...(index.unparsedAnswers > unparsedAnswers ? { fromFingerprint: true } : {}),
    ...(configFile ? { configFile, configStamp: stamp(configFile) } : {}),
  };
}

port.on('message', (request: EngineRequest) => {
  answer(request)
    .catch((e: unknown): EngineAnswer => ({ id: request.id, findings: [], diagnostics: [], error: (e as Error).message ?? String(e), engineMs: 0 }))
    .then((reply) => {
      port.postMessage(reply);
      wake(SIGNAL.answered);
    });
});

// However the thread ends, a rule waiting for it must not wait for ever.
process.on('exit', () => wake(SIGNAL.gone));
