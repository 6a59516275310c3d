/**
 * The engine, synchronously, for ESLint rules: one worker thread per process (per ESLint thread) holds the project
 * indexes; a request blocks on Atomics.wait until the worker has posted the answer, which is then taken off the port
 * with receiveMessageOnPort. No event-loop turn is needed on this side, so it works inside any synchronous rule.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { SIGNAL, stamp, type EngineAnswer, type EngineRequest } from './protocol.js';

/** How long a rule waits for the engine (a first analysis of a very large project can take a minute). */
const TIMEOUT_MS = Number(process.env.PRIVLINT_ESLINT_TIMEOUT_MS) || 10 * 60_000;
/** The wait is cut into slices so that a worker that ended is noticed even if it could not say so. */
const SLICE_MS = 1_000;

interface EngineThread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  gone: boolean;
}

let thread: EngineThread | undefined;
let nextId = 1;

/**
 * Requests made and milliseconds spent waiting for the engine, since the module was loaded (for the bench), of which
 * `workerMs` the engine's own work inside its thread (the rest is the hand-off: the messages, the thread's waking,
 * less the part of the engine's work done while this thread went on: `analyseAhead`); answers given without asking
 * it (`unasked`: the same text again); answers it gave from a lexical fingerprint, without an analysis
 * (`fromFingerprint`); requests asked ahead.
 */
export const engineWaits = { requests: 0, ms: 0, workerMs: 0, unasked: 0, fromFingerprint: 0, ahead: 0 };

let generation = 0;

/**
 * The engine's last answer, with the file and text it was given for: the same text of the same file asked again
 * while no other request has been made and the configuration file is unchanged (an editor linting an unchanged
 * buffer again) gets it without the engine, which holds that text already. Only the last answer can still stand
 * (any other request changes the generation), so only it is kept.
 */
interface Answered {
  key: string;
  text: string;
  answer: EngineAnswer;
  generation: number;
  configFile?: string;
  configStamp?: number;
}

let lastAnswer: Answered | undefined;

/** Nothing the engine was asked since, and the configuration file as it was: an answer given then stands. */
function stillStands(given: { generation: number; configFile?: string; configStamp?: number }): boolean {
  return given.generation === generation && (given.configFile === undefined || stamp(given.configFile) === given.configStamp);
}

/** The last answer, when it was given for this file and this text and still stands. */
function repeatedAnswer(file: string, text: string, cwd: string): EngineAnswer | undefined {
  const last = lastAnswer;
  return last && last.key === `${cwd}\0${file}` && last.text === text && stillStands(last) ? last.answer : undefined;
}

function startThread(): EngineThread {
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./engine-worker.js', import.meta.url), {
    workerData: { signal: shared, port: port2 },
    transferList: [port2],
    stdout: false,
    stderr: false,
  });
  const started: EngineThread = { worker, port: port1, signal: new Int32Array(shared), gone: false };
  worker.on('exit', () => {
    started.gone = true;
  });
  worker.on('error', () => {
    started.gone = true;
  });
  worker.unref(); // ESLint ends when its work is done; the idle engine thread does not hold it
  return started;
}

/**
 * The working directory each recently analysed file was last asked about from (an editor's process: always the
 * same one), for asking ahead (`analyseAhead`).
 */
const cwdOf = new Map<string, string>();
const CWDS_KEPT = 64;

/** A request posted ahead of the rules (`analyseAhead`), whose answer they take if they ask the same. */
interface Ahead {
  id: number;
  key: string;
  text: string;
  generation: number;
}

let ahead: Ahead | undefined;

/**
 * Ask the engine about this text of a file before the rules do: the C language calls this when ESLint hands it a
 * file to parse, so that the engine thread works while this thread parses the text, builds ESLint's source code
 * and runs the rules up to the first privlint one, which then takes the answer (`analyseSync`, same file, text and
 * working directory, no request made in between) instead of asking and waiting for all of it. Only a file the
 * rules asked about before, from the working directory they asked from then (an editor linting a buffer edit
 * after edit; a one-shot run asks ahead about nothing), and only when the answer is not known without the engine.
 */
export function analyseAhead(file: string, text: string): void {
  const cwd = cwdOf.get(file);
  if (cwd === undefined) return;
  const key = `${cwd}\0${file}`;
  if (ahead?.key === key && ahead.text === text && ahead.generation === generation) return; // asked already
  if (repeatedAnswer(file, text, cwd)) return;
  ahead = { id: post(file, text, cwd), key, text, generation };
  engineWaits.ahead++;
}

/** Analyse `file` (absolute) with this text in its project, as seen from `cwd`; blocks until the engine answers. */
export function analyseSync(file: string, text: string, cwd: string): EngineAnswer {
  cwdOf.delete(file); // most recent last
  cwdOf.set(file, cwd);
  if (cwdOf.size > CWDS_KEPT) cwdOf.delete(cwdOf.keys().next().value!);
  const key = `${cwd}\0${file}`;
  const asked = ahead?.key === key && ahead.text === text && ahead.generation === generation ? ahead.id : undefined;
  ahead = undefined;
  const known = asked === undefined ? repeatedAnswer(file, text, cwd) : undefined;
  if (known) {
    engineWaits.unasked++;
    return known;
  }
  const started = performance.now();
  try {
    const answer = answerTo(asked ?? post(file, text, cwd));
    engineWaits.workerMs += answer.engineMs;
    if (answer.fromFingerprint) engineWaits.fromFingerprint++;
    lastAnswer = answer.error ? undefined : { key, text, answer, generation, configFile: answer.configFile, configStamp: answer.configStamp };
    return answer;
  } finally {
    engineWaits.requests++;
    engineWaits.ms += performance.now() - started;
  }
}

/** Post a request to the engine thread (started if need be); its id. */
function post(file: string, text: string, cwd: string): number {
  if (!thread || thread.gone) thread = startThread();
  const id = nextId++;
  // Every request may change what the engine holds: the answers given before no longer stand.
  generation++;
  thread.port.postMessage({ id, file, text, cwd } satisfies EngineRequest);
  return id;
}

/** Block until the engine thread answers request `id`. */
function answerTo(id: number): EngineAnswer {
  if (!thread || thread.gone) throw new Error('the privlint engine thread ended unexpectedly');
  const { port, signal } = thread;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    Atomics.wait(signal, 0, SIGNAL.waiting, SLICE_MS);
    // Reset before taking the answers off the port: an answer posted after this sets the word again (the worker
    // posts, then wakes), so none is left on the port while this thread sleeps. The word stays `gone` once set.
    Atomics.compareExchange(signal, 0, SIGNAL.answered, SIGNAL.waiting);
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const reply = m.message as EngineAnswer;
      if (reply.id === id) return reply;
      // an answer to a request that timed out earlier, or asked ahead and not taken: dropped
    }
    if (Atomics.load(signal, 0) === SIGNAL.gone || thread.gone) {
      thread = undefined;
      throw new Error('the privlint engine thread ended unexpectedly');
    }
    if (Date.now() > deadline) throw new Error(`the privlint engine did not answer within ${TIMEOUT_MS / 1000} s`);
  }
}

/** End the engine thread (and drop its project indexes); the next request starts a new one. */
export function stopEngineThread(): void {
  lastAnswer = undefined;
  ahead = undefined;
  cwdOf.clear();
  if (!thread) return;
  thread.gone = true;
  void thread.worker.terminate();
  thread = undefined;
}
