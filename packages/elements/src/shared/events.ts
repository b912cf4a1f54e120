import type { ConnectionStatus } from '@hearth/core';

/** Detail of every `hearth-*` event, by name. */
export interface HearthEventDetails {
  /** The viewer joined the circle (through the join gate). */
  'hearth-joined': { memberId: string };
  /** A thread was chosen in a thread list. */
  'hearth-thread-select': { threadId: string };
  /** A message was handed to the client to send (it may still be queued). */
  'hearth-send': { messageId: string; threadId: string | null; threadKey: string | null; replyTo: string | null };
  /** The viewer asked to reply to a message; a thread answers by pointing its composer at it. */
  'hearth-reply': { messageId: string };
  /** The composer dropped its reply target. */
  'hearth-reply-cancel': Record<string, never>;
  /** The viewer acted on a message. */
  'hearth-message-action': { action: MessageAction; messageId: string; reaction?: string };
  /** A moderator acted on a member or an invite. */
  'hearth-moderate': { action: ModerationAction; targetId: string };
  /** The connection status changed. */
  'hearth-status': { status: ConnectionStatus };
  /** A command was refused; the element shows the reason too. */
  'hearth-error': { code: string; message: string };
}

export type MessageAction = 'react' | 'edit' | 'delete' | 'report' | 'hide' | 'restore' | 'retry' | 'discard';
export type ModerationAction =
  | 'mute' | 'unmute' | 'ban' | 'unban' | 'remove' | 'promote' | 'demote'
  | 'hide' | 'invite-create' | 'invite-revoke' | 'report-resolve' | 'request-approve' | 'request-deny';

export type HearthEventName = keyof HearthEventDetails;
export type HearthEvent<K extends HearthEventName> = CustomEvent<HearthEventDetails[K]>;

declare global {
  interface HTMLElementEventMap {
    'hearth-joined': HearthEvent<'hearth-joined'>;
    'hearth-thread-select': HearthEvent<'hearth-thread-select'>;
    'hearth-send': HearthEvent<'hearth-send'>;
    'hearth-reply': HearthEvent<'hearth-reply'>;
    'hearth-reply-cancel': HearthEvent<'hearth-reply-cancel'>;
    'hearth-message-action': HearthEvent<'hearth-message-action'>;
    'hearth-moderate': HearthEvent<'hearth-moderate'>;
    'hearth-status': HearthEvent<'hearth-status'>;
    'hearth-error': HearthEvent<'hearth-error'>;
  }
}

/** Dispatches a `hearth-*` event that bubbles out of shadow roots, as host pages and frameworks expect. */
export function emit<K extends HearthEventName>(target: EventTarget, name: K, detail: HearthEventDetails[K]): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true }));
}
