// Signatures of the rules engine. The implementation follows the specification in ./README.md.
import type { Command } from '../commands.js';
import type { CircleEvent } from '../events.js';
import type { Member, Message } from '../domain.js';
import type { Credentials } from '../session.js';
import type { Ack } from './ack.js';
import type { CircleRepository } from './repository.js';

export interface ExecuteContext {
  repo: CircleRepository;
  /** The member sending the command, as stored now. */
  actor: Member;
  now: number;
  /** Fresh random ids (nanoid) for things the engine creates (audit entries, invite codes). */
  newId: (size?: number) => string;
}

export interface ExecuteOutcome {
  ack: Ack;
  /** Events appended by this command, in seq order: the host fans them out after committing. */
  events: CircleEvent[];
}
