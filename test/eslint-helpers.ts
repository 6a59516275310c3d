/** Shared by the ESLint plugin's tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A TypeScript service whose catch only logs when the drop fails: unchecked-return on lines 6 and 7. */
export const SERVICE_TS = `import process from 'node:process';

export function drop(uid: number, gid: number): void {
  process.setgroups([gid]);
  try {
    process.setgid(gid);
    process.setuid(uid);
  } catch (err: unknown) {
    console.error('could not drop privileges', err);
  }
}
`;

/**
 * A project folder of its own, with these files: a repository (`.git`) with a privlint.json, so that it is a unit of
 * its own whatever folder holds it and nothing else is part of the project.
 */
export function projectFolder(files: Record<string, string> = {}, dir = mkdtempSync(path.join(tmpdir(), 'privlint-eslint-'))): string {
  mkdirSync(path.join(dir, '.git'), { recursive: true });
  writeFileSync(path.join(dir, 'privlint.json'), '{}\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
