/** Sentences whose terms differ per language: C privilege calls return a status, Node's throw. */
import type { Language } from './model.js';

/** Why a failure is not handled: the code after it runs as if the call had succeeded. */
export function continuesAfterFailure(language: Language, how: 'returns' | 'continues'): string {
  if (language === 'node') {
    return how === 'returns'
      ? 'when it throws, the catch swallows the error and the function returns as if it had succeeded'
      : 'when it throws, the catch lets execution continue as if it had succeeded (it neither rethrows nor ends the process)';
  }
  return how === 'returns'
    ? 'when it fails, the function returns as if it had succeeded'
    : 'when it fails, execution continues as if it had succeeded (the failure branch does not end the process or return an error)';
}
