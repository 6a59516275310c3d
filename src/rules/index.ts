import { chrootWithoutChdir } from './chroot-without-chdir.js';
import { chrootWithoutDrop } from './chroot-without-drop.js';
import { dropAfterInput } from './drop-after-input.js';
import { leakedDirfd } from './leaked-dirfd.js';
import { missingSetgid } from './missing-setgid.js';
import { missingSetgroups } from './missing-setgroups.js';
import { preferSetresuid } from './prefer-setresuid.js';
import type { Rule } from './rule.js';
import { sharedNobody } from './shared-nobody.js';
import { temporaryDrop } from './temporary-drop.js';
import { uncheckedReturn } from './unchecked-return.js';
import { unverifiedDrop } from './unverified-drop.js';
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
  chrootWithoutDrop,
  missingSetgid,
  preferSetresuid,
  unverifiedDrop,
  sharedNobody,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
