import { describe, expect, it } from 'vitest';
import { prepareProject } from '../src/engine.js';

/** Which functions the project counts as privileged (inlined into the programs that call them). */
async function privilegedNames(text: string): Promise<string[]> {
  const { project } = await prepareProject([{ path: 'lister.c', text }]);
  return [...project.privileged].map((f) => f.name).sort();
}

const lister = (onFailure: string, afterOpen = ''): string => `
#include <dirent.h>
#include <unistd.h>
int count_entries(char **paths, int n) {
  int found = 0;
  if (getenv("LIST_HIDDEN")) n--;
  for (int i = 0; i < n; i++) {
    DIR *dir = opendir(paths[i]);
    ${onFailure}
    ${afterOpen}
    while (readdir(dir) != NULL) found++;
    closedir(dir);
  }
  return found;
}
int main(int argc, char **argv) {
  int n = count_entries(argv + 1, argc - 1);
  if (chroot("/var/empty") != 0 || chdir("/") != 0) return 1;
  if (setgid(65534) != 0 || setuid(65534) != 0) return 1;
  return n > 0;
}
`;

describe('functions that leave a directory handle open', () => {
  it('a handle tested NULL on the path that skips closedir() was never opened there', async () => {
    expect(await privilegedNames(lister('if (!dir) continue;'))).toEqual(['main']);
    expect(await privilegedNames(lister('if (dir == NULL) continue;'))).toEqual(['main']);
  });

  it('a handle left open on some path still is one', async () => {
    expect(await privilegedNames(lister('if (!dir) continue;', 'if (found > 100) return found;'))).toEqual(['count_entries', 'main']);
    expect(await privilegedNames(lister('if (dir) continue;'))).toEqual(['count_entries', 'main']);
  });
});
