/** The lines a change touched, read from `git diff --unified=0`: per file of the new version, its added or modified lines and where lines were removed. */

export interface FileChange {
  /** Lines of the new version that the change added or modified (1-based). */
  added: Set<number>;
  /** Where lines were removed: the line of the new version after which they were (0: at the top). */
  removedAfter: number[];
}

/** Repository-relative path (new name) → what changed in it. */
export type ChangedLines = Map<string, FileChange>;

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** A path as git prints it in a diff header: C-quoted (`"b/we\nird"`) when it holds special characters, else followed by a tab when it holds a space. */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"')) return raw.endsWith('\t') ? raw.slice(0, -1) : raw;
  const bytes: number[] = [];
  const text = Buffer.from(raw.slice(1, raw.lastIndexOf('"')), 'utf8');
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== 0x5c) {
      bytes.push(text[i]!);
      continue;
    }
    const next = String.fromCharCode(text[++i]!);
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(text.subarray(i, i + 3).toString('latin1'), 8));
      i += 2;
    } else bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(file: string, prefix: string): string | undefined {
  return file.startsWith(prefix) ? file.slice(prefix.length) : undefined;
}

/** Parses `git diff --unified=0 --src-prefix=a/ --dst-prefix=b/` output. Deleted files have no new version and are left out. */
export function parseUnifiedDiff(text: string): ChangedLines {
  const changes: ChangedLines = new Map();
  let current: FileChange | undefined;
  const fileChange = (file: string | undefined): FileChange | undefined => {
    if (file === undefined) return undefined;
    let change = changes.get(file);
    if (!change) changes.set(file, (change = { added: new Set(), removedAfter: [] }));
    return change;
  };
  /** Lines of the current hunk still to come: its body can hold lines that look like headers (`+++ x` adds `++ x`). */
  let body = 0;
  for (const line of text.split('\n')) {
    if (body > 0) {
      if (!line.startsWith('\\')) body--;
      continue;
    }
    if (line.startsWith('diff --git ')) current = undefined;
    else if (line.startsWith('+++ ')) current = line === '+++ /dev/null' ? undefined : fileChange(stripPrefix(unquoteGitPath(line.slice(4)), 'b/'));
    else if (line.startsWith('rename to ') && !current) current = fileChange(unquoteGitPath(line.slice('rename to '.length)));
    else if (line.startsWith('@@ ')) {
      const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!hunk) continue;
      const start = Number(hunk[2]);
      const count = hunk[3] === undefined ? 1 : Number(hunk[3]);
      body = (hunk[1] === undefined ? 1 : Number(hunk[1])) + count;
      if (!current) continue;
      if (count === 0) current.removedAfter.push(start);
      for (let l = start; l < start + count; l++) current.added.add(l);
    }
  }
  return changes;
}
