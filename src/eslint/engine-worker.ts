/**
 * The engine's thread for the ESLint plugin. ESLint rules are synchronous and the engine is not: rules post a
 * request and block on a shared word (Atomics.wait); this worker answers through the port and wakes them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { loadConfig } from '../config-file.js';
import { findProjectRoot, ProjectIndex } from '../project-index.js';
import { compactPath } from '../report/text.js';
import { SIGNAL, type EngineAnswer, type EngineRequest } from './protocol.js';

const { signal: shared, port } = workerData as { signal: SharedArrayBuffer; port: MessagePort };
const signal = new Int32Array(shared);

function wake(value: number): void {
  Atomics.store(signal, 0, value);
  Atomics.notify(signal, 0);
}

async function answer(request: EngineRequest): Promise<EngineAnswer> {
  const started = performance.now();
  const root = await findProjectRoot(request.file);
  // privlint.json gives the vocabulary (noreturn, inputFunctions, platform, ignore); eslint.config.js decides
  // which rules report and how severely, so the engine runs every rule.
  const { config } = await loadConfig(root);
  const index = await ProjectIndex.forFile(request.file, { ...config, rules: {}, ruleSet: 'strict' });
  const { findings, diagnostics } = await index.update(request.file, request.text);
  const shown = index.shownPath(request.file);
  const lines = (file: string): string[] | undefined => {
    if (file === shown) return request.text.split('\n');
    try {
      return readFileSync(path.resolve(index.root, file), 'utf8').split('\n');
    } catch {
      return undefined;
    }
  };
  return {
    id: request.id,
    findings: findings.map((f) => (f.related.length ? { ...f, path: compactPath(f, lines) } : f)),
    diagnostics,
    engineMs: performance.now() - started,
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
