/** The `sequence` subcommand's arguments and output. */
import { parseArgs } from 'node:util';
import type { Language } from '../model.js';
import type { Platform } from '../sequence.js';
import { SequenceOptionError, sequenceProgram } from './sequence.js';

const LANGS = ['c', 'node'];
const PLATFORMS = ['linux', 'freebsd', 'openbsd', 'macos'];

export function sequenceCommand(argv: string[], usageError: (message: string) => number): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        lang: { type: 'string', default: 'c' },
        platform: { type: 'string', default: 'linux' },
        chroot: { type: 'string' },
        user: { type: 'string' },
      },
    }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (!LANGS.includes(values.lang!)) return usageError(`--lang must be one of ${LANGS.join(', ')}`);
  if (!PLATFORMS.includes(values.platform!)) return usageError(`--platform must be one of ${PLATFORMS.join(', ')}`);
  try {
    process.stdout.write(sequenceProgram({ lang: values.lang as Language, platform: values.platform as Platform, chroot: values.chroot, user: values.user }));
  } catch (e) {
    if (e instanceof SequenceOptionError) return usageError(e.message);
    throw e;
  }
  return 0;
}
