// Read-only views for moderators. They write nothing and are never recorded as applied.
import { accept } from '../plan.js';
import type { Handlers } from './types.js';
import { notModerator } from './moderation.js';

const AUDIT_PAGE_DEFAULT = 50;

export const queryHandlers: Handlers<'invite.list' | 'report.list' | 'audit.list' | 'request.list'> = {
  'invite.list': (ctx) => notModerator(ctx) ?? accept(() => ({ invites: ctx.repo.listInvites() })),
  'report.list': (ctx, command) =>
    notModerator(ctx) ?? accept(() => ({ reports: ctx.repo.listReports(command.includeResolved ?? false) })),
  'audit.list': (ctx, command) =>
    notModerator(ctx) ?? accept(() => ({ entries: ctx.repo.listAudit(command.before ?? null, command.limit ?? AUDIT_PAGE_DEFAULT) })),
  'request.list': (ctx) => notModerator(ctx) ?? accept(() => ({ requests: ctx.repo.listJoinRequests() })),
};
