import type { CommandType } from './commands.js';

// Kept apart from the command schemas so a client that needs only this list does not pull every schema
// into its bundle (module-level schema construction counts as a side effect to a bundler).

/** Commands that only read. They change nothing, so they are never queued in the outbox. */
export const QUERY_TYPES: ReadonlySet<CommandType> = new Set(['invite.list', 'report.list', 'audit.list', 'request.list']);
