/**
 * The engine's thread for the ESLint plugin. ESLint rules are synchronous and the engine is not: rules post a
 * request and block on a shared word (Atomics.wait); this worker answers through the port and wakes them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { loadConfig } from '../config-file.js';
import { displayPath, languageOf } from '../files.js';
import { ProjectIndex } from '../project-index.js';
import { compactPath } from '../report/text.js';
import { SIGNAL, stamp, type EngineAnswer, type EngineRequest } from './protocol.js';

const { signal: shared, port } = workerData as { signal: SharedArrayBuffer; port: MessagePort };
const signal = new Int32Array(shared);

function wake(value: number): void {
  Atomics.store(signal, 0, value);
  Atomics.notify(signal, 0);
}

async function answer(request: EngineRequest): Promise<EngineAnswer> {
  const started = performance.now();
  const { file, cwd, text } = request;
  // privlint.json, found as `privlint .` run in ESLint's working directory finds it, gives the vocabulary (noreturn,
  // inputFunctions, checkingWrappers, dropHelpers, platform, ignore); eslint.config.js decides which rules report
  // and how severely, so the engine runs every rule.
  const { config, file: configFile } = await loadConfig(cwd);
  const indexOf = (f: string): Promise<ProjectIndex> => ProjectIndex.forFile(f, { ...config, rules: {}, ruleSet: 'strict' }, cwd);
  for (const other of request.texts ?? []) (await indexOf(other.file)).record(other.file, other.text);
  const index = await indexOf(file);
  const { findings, diagnostics, parsed } = await index.update(file, text);
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
    quiet: languageOf(file) === 'c' && file.endsWith('.c') && !parsed && !findings.length && !diagnostics.length,
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
