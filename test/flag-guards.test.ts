import { describe, expect, it } from 'vitest';
import { analyzeUnit, prepareProject } from '../src/engine.js';
import { defaultConfig } from '../src/config.js';
import { buildSupergraph } from '../src/analysis/supergraph.js';
import { flagRanking } from '../src/analysis/paths.js';

/**
 * Which variables are followed as flags must not depend on how much code lies between a test and the privilege calls
 * it guards: a long helper inlined there (or not) used to push the calls out of reach of the comparison.
 */
function program(filler: number, gidDropGuarded = true): string {
  const work = Array.from({ length: filler }, (_, i) => `  total = total * 31 + ${i};`).join('\n');
  return `
#include <grp.h>
#include <stdlib.h>
#include <unistd.h>
static int drop_needed;
static long total;
static void prepare(void)
{
${work}
  if (setgroups(0, NULL) != 0)
    exit(1);
}
int main(int argc, char **argv)
{
  if (argc > 1)
    drop_needed = 1;
  if (${gidDropGuarded ? 'drop_needed' : 'argc > 2'}) {
    prepare();
    if (setgid(65534) != 0)
      exit(1);
  }
  if (drop_needed) {
    prepare();
    if (setuid(65534) != 0)
      exit(1);
  }
  return (int)total;
}
`;
}

async function rulesFound(text: string): Promise<string[]> {
  const { findings } = await analyzeUnit([{ path: 'daemon.c', text }], defaultConfig());
  return findings.map((f) => f.ruleId).sort();
}

describe('flags followed, whatever lies between a test and the calls it guards', () => {
  it('the gid drop made under the same flag as the uid drop is seen, near or far', async () => {
    expect(await rulesFound(program(5))).not.toContain('missing-setgid');
    expect(await rulesFound(program(600))).not.toContain('missing-setgid');
  });

  it('a gid drop under another condition is still missing on some path', async () => {
    expect(await rulesFound(program(5, false))).toContain('missing-setgid');
    expect(await rulesFound(program(600, false))).toContain('missing-setgid');
  });
});

describe('the chdir that enters a jail is one of the calls a flag decides', () => {
  const jail = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void enter_jail(const char *path)
{
  int error, jail_error;
  error = jail_error = 0;
  if (strcmp(path, "auto") == 0)
    error = chdir("/tmp");
  jail_error = chroot(path);
  if (!error && !jail_error)
    error = chdir("/");
  if (error || jail_error)
    fprintf(stderr, "cannot chroot(%s)\\n", path);
}
int main(int argc, char **argv)
{
  enter_jail(argv[1]);
  if (setgid(65534) != 0 || setuid(65534) != 0)
    exit(1);
  return 0;
}
`;
  it('a variable whose test decides whether chdir("/") follows the chroot is followed', async () => {
    const { project } = await prepareProject([{ path: 'jail.c', text: jail }]);
    const main = project.functions.find((f) => f.name === 'main')!;
    expect(flagRanking(buildSupergraph(project, main))).toContain('error');
  });
});
