// Signatures of the rules engine. The implementation follows the specification in ./README.md.
import type { Command } from '../commands.js';
import type { CircleEvent } from '../events.js';
import type { Circle, JoinRequest, Member } from '../domain.js';
import type { ErrorInfo } from '../errors.js';
import type { Ack } from './ack.js';
import type { CircleRepository, WordFilter } from './repository.js';

/** What every entry point of the engine needs: the circle's storage, the clock, and an id source. */
export interface RulesContext {
  repo: CircleRepository;
  now: number;
  /** Fresh random ids (nanoid) for things the engine creates (members, audit entries, invite codes). */
  newId: (size?: number) => string;
  /**
   * The forms a display name is compared by with the circle's other names: two names that share one are
   * taken for each other. Servers pass Unicode's confusable skeletons (`@hearth/protocol/confusables`, kept
   * out of the browser); without it names are compared by `comparable` alone (same letters, any case, width
   * or invisible characters).
   */
  nameSkeletons?: NameSkeletons;
}

/** See `RulesContext.nameSkeletons`. */
export type NameSkeletons = (displayName: string) => readonly string[];

/** Context of `execute`: a rules context plus the member sending the command. */
export interface ExecuteContext extends RulesContext {
  /** The member sending the command, as stored now. */
  actor: Member;
}

export interface ExecuteOutcome {
  ack: Ack;
  /** Events appended by this command, in seq order: the host fans them out after committing. */
  events: CircleEvent[];
}

/** How a newcomer (or a returning host-site user) asks to become a member. Hosts validate credentials first. */
export type AdmitRequest =
  | { kind: 'invite'; code: string; displayName: string }
  | { kind: 'link'; displayName: string }
  | { kind: 'request'; displayName: string; note?: string | null }
  /** Host-site single sign-on, after the host has verified the JWT: the host's user id becomes the member id. */
  | { kind: 'sso'; memberId: string; displayName: string };

export type AdmitOutcome =
  /** `created` is false when a sign-on user was already a member. */
  | { ok: true; member: Member; created: boolean; events: CircleEvent[] }
  /** A join request was stored; a moderator approves it with `request.approve`. */
  | { ok: 'pending'; request: JoinRequest }
  | { ok: false; error: ErrorInfo };

export interface InitCircleInput {
  circle: Circle;
  /** Defaults to empty lists. */
  wordFilter?: WordFilter;
  owner: { displayName: string };
}

export interface InitCircleOutcome {
  owner: Member;
  /** `circle.updated` then `member.upserted`. */
  events: CircleEvent[];
}
