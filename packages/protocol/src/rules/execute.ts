import type { Command, CommandType } from '../commands.js';
import { QUERY_TYPES } from '../query-types.js';
import type { Ack } from './ack.js';
import { Effects } from './effects.js';
import type { ExecuteContext, ExecuteOutcome } from './engine.js';
import { refuse, type Plan } from './plan.js';
import { isMuted } from './policy.js';
import { administrationHandlers } from './commands/administration.js';
import { contentHandlers } from './commands/content.js';
import { memberHandlers } from './commands/members.js';
import { moderationHandlers } from './commands/moderation.js';
import { queryHandlers } from './commands/queries.js';
import type { Handler, Handlers } from './commands/types.js';

const HANDLERS: Handlers<CommandType> = {
  ...contentHandlers,
  ...memberHandlers,
  ...moderationHandlers,
  ...administrationHandlers,
  ...queryHandlers,
};

/**
 * What a muted member may still do: report, delete their own messages (checked in `message.delete`),
 * leave, and read. Everything else would let them keep speaking or acting while silenced.
 */
const ALLOWED_WHILE_MUTED: ReadonlySet<CommandType> = new Set(['message.report', 'message.delete', 'member.leave', ...QUERY_TYPES]);

function plan(ctx: ExecuteContext, command: Command): Plan {
  const { actor, now } = ctx;
  if (actor.state === 'banned') return refuse('forbidden', 'you are banned from this circle');
  if (isMuted(actor, now) && !ALLOWED_WHILE_MUTED.has(command.type)) {
    return refuse('forbidden', `you are muted until ${new Date(actor.mutedUntil!).toISOString()}`);
  }
  const handler = HANDLERS[command.type] as Handler<CommandType>;
  return handler(ctx, command as never);
}

/**
 * Applies one command as `ctx.actor`: the single place where permissions and effects live. Call it inside
 * one storage transaction. A command id already applied returns its recorded ack to its author, a `conflict`
 * to anyone else, and changes nothing.
 * A refused command writes nothing; a successful non-query command is recorded so a retry is harmless.
 * The host validates the command (`parseCommand`) before calling.
 */
export function execute(ctx: ExecuteContext, command: Command): ExecuteOutcome {
  const applied = ctx.repo.getAppliedCommand(command.id);
  if (applied) {
    // An ack belongs to its author: it may carry what only they may see (a new invite). Anyone else reusing
    // the id learns only that it is taken, not whose it was or what it did.
    if (applied.authorId === ctx.actor.id) return { ack: applied.ack, events: [] };
    return { ack: { ok: false, error: { code: 'conflict', message: 'this command id is already used; send the command with a new id' } }, events: [] };
  }
  const decided = plan(ctx, command);
  // Refusals are not recorded: the same command may succeed later (after slow mode, after an unmute).
  if ('error' in decided) return { ack: { ok: false, error: decided.error }, events: [] };
  const fx = new Effects(ctx, command.id, ctx.actor.id);
  const result = decided.apply(fx);
  const ack: Ack = result === undefined ? { ok: true, seq: fx.lastSeq() } : { ok: true, seq: fx.lastSeq(), result };
  if (!QUERY_TYPES.has(command.type)) ctx.repo.recordAppliedCommand(command.id, ctx.actor.id, withoutShownOnce(ack));
  return { ack, events: fx.events };
}

/**
 * The ack as it is recorded: without what a result shows its author once and the store must not keep — a
 * new invite's `code` (stored only as a hash, so a copy of the data lets no one in). A retry's ack, answered
 * from the record, comes without it.
 */
function withoutShownOnce(ack: Ack): Ack {
  if (!ack.ok || ack.result === null || typeof ack.result !== 'object' || !('code' in ack.result)) return ack;
  const { code: _shownOnce, ...kept } = ack.result as Record<string, unknown>;
  return { ...ack, result: kept };
}
