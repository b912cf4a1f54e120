import { Id } from '../fields.js';
import * as v from 'valibot';
import type { Circle, Invite, Member } from '../domain.js';
import { Effects } from './effects.js';
import type { AdmitOutcome, AdmitRequest, RulesContext } from './engine.js';
import { refuse } from './plan.js';
import { clashRefusal, nameRefusal, screenFields } from './policy.js';
import { removedByModerator } from './removals.js';
import { newMember, seatRefusal } from './seating.js';

type Refused = Extract<AdmitOutcome, { ok: false }>;
const fail = (refusal: { error: Refused['error'] }): Refused => ({ ok: false, error: refusal.error });

/** Why an invite no longer admits anyone, or null when it does. */
function inviteProblem(invite: Invite, now: number): string | null {
  if (invite.revoked) return 'this invite was revoked';
  if (invite.expiresAt !== null && invite.expiresAt <= now) return 'this invite has expired';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'this invite has been used up';
  return null;
}

/** Seats a new member (all checks done) and emits their arrival. */
function seat(ctx: RulesContext, id: string, displayName: string, invite?: Invite): AdmitOutcome {
  const member = newMember(id, displayName, ctx.now, invite?.id);
  // The member keeps the invite's id (for moderators), and the invite counts the use.
  if (invite) ctx.repo.putInvite({ ...invite, uses: invite.uses + 1 });
  ctx.repo.putMember(member);
  const fx = new Effects(ctx, null, member.id);
  fx.emit({ type: 'member.upserted', member });
  return { ok: true, member, created: true, events: fx.events };
}

function admitByInvite(ctx: RulesContext, request: Extract<AdmitRequest, { kind: 'invite' }>): AdmitOutcome {
  const invite = ctx.repo.findInviteByCode(request.code);
  if (!invite) return fail(refuse('unauthorized', 'unknown invite code', 'credentials.code'));
  const problem = inviteProblem(invite, ctx.now);
  if (problem) return fail(refuse('invite_expired', problem, 'credentials.code'));
  const refused = seatRefusal(ctx, request.displayName, 'credentials.displayName');
  if (refused) return fail(refused);
  return seat(ctx, ctx.newId(), request.displayName, invite);
}

function admitByLink(ctx: RulesContext, request: Extract<AdmitRequest, { kind: 'link' }>): AdmitOutcome {
  if (ctx.repo.getCircle().circle.access !== 'open-link') return fail(refuse('forbidden', 'this circle cannot be joined by link; ask for an invite'));
  const refused = seatRefusal(ctx, request.displayName, 'credentials.displayName');
  if (refused) return fail(refused);
  return seat(ctx, ctx.newId(), request.displayName);
}

function askToJoin(ctx: RulesContext, request: Extract<AdmitRequest, { kind: 'request' }>): AdmitOutcome {
  const { repo } = ctx;
  if (repo.getCircle().circle.access !== 'request') return fail(refuse('forbidden', 'this circle does not take join requests; ask for an invite'));
  const refused = seatRefusal(ctx, request.displayName, 'credentials.displayName');
  if (refused) return fail(refused);
  // Moderators read the note: a banned word refuses it like any text shown to others.
  const screened = screenFields(repo.getCircle().wordFilter, { 'credentials.note': request.note });
  if ('error' in screened) return fail(screened);
  const pendingClash = clashRefusal(ctx, repo.listJoinRequests().map((r) => r.displayName), request.displayName, 'credentials.displayName', 'someone who asked to join');
  if (pendingClash) return fail(pendingClash);
  const pending = { id: ctx.newId(), displayName: request.displayName, note: request.note ?? null, createdAt: ctx.now };
  repo.putJoinRequest(pending);
  return { ok: 'pending', request: pending };
}

/**
 * Host-site sign-on: the host vouches for the user, so any access mode admits them. A returning user keeps
 * their membership; a new name from the host is taken over when no one else uses it. A banned user, or one a
 * moderator removed and has not let back (`mod.unban`), is refused.
 */
function signOn(ctx: RulesContext, request: Extract<AdmitRequest, { kind: 'sso' }>): AdmitOutcome {
  if (!v.is(Id, request.memberId)) return fail(refuse('invalid', 'the sign-on user id is not a valid member id', 'credentials.jwt'));
  const existing = ctx.repo.getMember(request.memberId);
  if (!existing) {
    if (removedByModerator(ctx.repo, request.memberId)) {
      return fail(refuse('forbidden', 'you were removed from this circle; a moderator can let you back'));
    }
    const refused = seatRefusal(ctx, request.displayName, 'credentials.displayName', 'host');
    if (refused) return fail(refused);
    return seat(ctx, request.memberId, request.displayName);
  }
  if (existing.state === 'banned') return fail(refuse('forbidden', 'you are banned from this circle'));
  // A host name that is not fit (or passes for another member's) leaves the name they had.
  const rename = request.displayName !== existing.displayName && !nameRefusal(ctx, request.displayName, 'credentials.displayName', existing.id);
  if (!rename) return { ok: true, member: existing, created: false, events: [] };
  const member: Member = { ...existing, displayName: request.displayName };
  ctx.repo.putMember(member);
  const fx = new Effects(ctx, null, member.id);
  fx.emit({ type: 'member.upserted', member });
  return { ok: true, member, created: false, events: fx.events };
}

/**
 * What someone about to join may see of a circle before they do: the public circle (its name, description
 * and the norms they will be asked to accept). It takes a usable invite, except for a circle that lets people
 * join by link or ask to join; nothing else of the circle (members, threads, messages) is shown.
 */
export function previewCircle(ctx: Pick<RulesContext, 'repo' | 'now'>, inviteCode: string | null): { ok: true; circle: Circle } | Refused {
  const { circle } = ctx.repo.getCircle();
  if (inviteCode !== null) {
    const invite = ctx.repo.findInviteByCode(inviteCode);
    if (!invite) return fail(refuse('unauthorized', 'unknown invite code', 'invite'));
    const problem = inviteProblem(invite, ctx.now);
    if (problem) return fail(refuse('invite_expired', problem, 'invite'));
  } else if (circle.access === 'invite') {
    return fail(refuse('unauthorized', 'this circle shows itself to invited people only', 'invite'));
  }
  return { ok: true, circle };
}

/**
 * Admits a newcomer by invite, open link, join request or host-site sign-on. Call it inside one storage
 * transaction; a refusal writes nothing. The host validates the credentials (and verifies a JWT) first.
 */
export function admit(ctx: RulesContext, request: AdmitRequest): AdmitOutcome {
  switch (request.kind) {
    case 'invite': return admitByInvite(ctx, request);
    case 'link': return admitByLink(ctx, request);
    case 'request': return askToJoin(ctx, request);
    case 'sso': return signOn(ctx, request);
  }
}
