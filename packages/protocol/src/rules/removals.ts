// Removal of a member the host site vouches for. Removing deletes the member, and a member admitted by
// sign-on has a stable id (from the host's user id), so without a record they would be seated again by the
// same token. The audit log is that record: every `mod.remove` is in it with the member's id, and so is the
// `mod.unban` with which a moderator lets a removed person back. Nothing else has to be stored, and old
// circles are covered by the entries they already hold.
import type { CircleRepository } from './repository.js';

/** The audit actions that decide whether a removed person may come back: the newest one wins. */
const REMOVED = 'mod.remove';
const LET_BACK = 'mod.unban';

/**
 * Whether `memberId` was removed by a moderator and not let back since. Reads the whole audit log (newest
 * first, stopping at the first entry that decides): it runs only when someone without a seat signs on, or a
 * moderator lets someone back, and a small circle's log is short.
 */
export function removedByModerator(repo: CircleRepository, memberId: string): boolean {
  for (const entry of repo.listAudit(null, Number.MAX_SAFE_INTEGER)) {
    if (entry.targetId !== memberId) continue;
    if (entry.action === REMOVED) return true;
    if (entry.action === LET_BACK) return false;
  }
  return false;
}
