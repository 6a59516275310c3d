import { chrootWithoutChdir } from './chroot-without-chdir.js';
import { dropAfterInput } from './drop-after-input.js';
import { leakedDirfd } from './leaked-dirfd.js';
import { missingSetgroups } from './missing-setgroups.js';
import type { Rule } from './rule.js';
import { temporaryDrop } from './temporary-drop.js';
import { uncheckedReturn } from './unchecked-return.js';
import { wrongDropOrder } from './wrong-drop-order.js';

/** Every rule, in catalogue order. */
export const RULES: readonly Rule[] = [
  uncheckedReturn,
  temporaryDrop,
  chrootWithoutChdir,
  dropAfterInput,
  leakedDirfd,
  missingSetgroups,
  wrongDropOrder,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
