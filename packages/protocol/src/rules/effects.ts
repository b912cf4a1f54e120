import type { AuditEntry } from '../domain.js';
import type { CircleEvent } from '../events.js';
import type { EventDraft } from './repository.js';
import type { RulesContext } from './engine.js';

/** An event as a handler writes it: the envelope (`at`, `commandId`, `actorId`, `seq`) is filled in here. */
export type EventBody = EventDraft extends infer E ? (E extends EventDraft ? Omit<E, 'at' | 'commandId' | 'actorId'> : never) : never;

/** The writes that need the envelope of the current command: events and audit entries. */
export class Effects {
  readonly events: CircleEvent[] = [];

  constructor(
    private readonly ctx: RulesContext,
    private readonly commandId: string | null,
    private readonly actorId: string | null,
  ) {}

  /** Appends an event stamped with now, the command id and the actor. */
  emit(body: EventBody): CircleEvent {
    const draft = { ...body, at: this.ctx.now, commandId: this.commandId, actorId: this.actorId } as EventDraft;
    const event = this.ctx.repo.appendEvent(draft);
    this.events.push(event);
    return event;
  }

  /** Records a moderation action; `action` is the command type that did it. */
  audit(action: string, targetId: string | null, reason: string | null | undefined): void {
    const entry: AuditEntry = { id: this.ctx.newId(), actorId: this.actorId ?? '', action, targetId, reason: reason ?? null, at: this.ctx.now };
    this.ctx.repo.appendAudit(entry);
  }

  /** Seq of the last event appended, for the ack. */
  lastSeq(): number | null {
    return this.events.at(-1)?.seq ?? null;
  }
}
