import type { enModeration } from './en-moderation.js';

/**
 * Every string the elements show, in English. Keys are stable; a page translating Hearth supplies the same
 * keys through `registerLanguage`. `{name}` marks a parameter; a `{one, other}` pair is chosen by plural rules.
 */
export const en = {
  // Connection
  'status.connecting': 'Connecting…',
  'status.reconnecting': 'Connection lost. Reconnecting…',
  'status.offline': 'You are offline. Messages will be sent when the connection is back.',
  'status.disconnected': 'Disconnected.',
  'status.retry': 'Try again',
  'status.pending': { one: '{count} message waiting to be sent', other: '{count} messages waiting to be sent' },

  // Joining
  'join.title': 'Join {circle}',
  'join.titleUnnamed': 'Join this circle',
  'join.intro': 'This is a small, private circle. Members see each other’s messages; nothing here is public.',
  'join.code': 'Invite code',
  'join.codeHelp': 'From the invitation link you were sent.',
  'join.token': 'Member token',
  'join.useToken': 'I have a member token instead',
  'join.useCode': 'I have an invite code instead',
  'join.name': 'Display name',
  'join.nameHelp': 'A pseudonym is fine. No e-mail needed.',
  'join.norms': 'The circle’s norms',
  'join.normsUnknown': 'The circle’s norms are shown to you after joining; you can leave at any time.',
  'join.accept': 'I have read and accept the norms',
  'join.sso': 'You are signed in on this site: joining uses that identity.',
  'join.submit': 'Join',
  'join.joining': 'Joining…',
  'join.pending': 'Your request waits for a moderator. Come back later.',

  // Errors by code
  'error.unauthorized': 'You are not signed in to this circle.',
  'error.forbidden': 'You are not allowed to do that.',
  'error.not_found': 'Not found.',
  'error.invalid': 'Something in that is not valid: {detail}',
  'error.rate_limited': 'Slow down a little, then try again.',
  'error.too_large': 'That is too long.',
  'error.circle_full': 'This circle is full.',
  'error.invite_expired': 'This invite has expired or was used up.',
  'error.pending_approval': 'Your request waits for a moderator.',
  'error.conflict': 'That changed meanwhile; try again.',
  'error.cursor_expired': 'Reloading…',
  'error.unsupported_version': 'This page needs a newer version of Hearth.',
  'error.unavailable': 'Cannot reach the circle right now.',
  'error.internal': 'Something went wrong on the server.',

  // Circle
  'circle.label': 'Circle {circle}',
  'circle.discussion': 'Discussion',
  'circle.threads': 'Threads',
  'circle.members': 'Members',
  'circle.moderation': 'Moderation',
  'circle.back': 'All threads',
  'circle.signOut': 'Leave on this device',

  // Thread list
  'threads.label': 'Threads',
  'threads.empty': 'No threads yet. Start the first one.',
  'threads.new': 'New thread',
  'threads.title': 'Title',
  'threads.create': 'Start thread',
  'threads.messages': { one: '{count} message', other: '{count} messages' },
  'threads.unread': { one: '{count} unread', other: '{count} unread' },

  // Thread
  'thread.label': 'Messages',
  'thread.empty': 'No messages yet. Say hello.',
  'thread.loadOlder': 'Load earlier messages',
  'thread.loading': 'Loading…',
  'thread.start': 'Start of the conversation',
  'thread.newMessages': { one: '{count} new message', other: '{count} new messages' },
  'thread.announce': 'New message from {author}: {text}',
  'thread.announceMany': { one: '{count} new message', other: '{count} new messages' },

  // Message
  'message.unknownAuthor': 'Former member',
  'message.edited': 'edited',
  'message.deleted': 'Message deleted.',
  'message.hidden': 'Hidden by a moderator.',
  'message.hiddenForMods': 'Hidden from members by a moderator.',
  'message.sending': 'Sending…',
  'message.failed': 'Not sent: {reason}',
  'message.retry': 'Retry',
  'message.discard': 'Discard',
  'message.replyTo': 'In reply to {author}',
  'message.replyMissing': 'an earlier message',
  'message.cw': 'Content warning: {warning}',
  'message.cwShow': 'Show message',
  'message.cwHide': 'Hide message',
  'message.actions': 'Message actions',
  'message.reply': 'Reply',
  'message.edit': 'Edit',
  'message.delete': 'Delete',
  'message.confirmDelete': 'Delete for everyone?',
  'message.report': 'Report',
  'message.hide': 'Hide',
  'message.restore': 'Restore',
  'message.react': 'Add reaction',
  'message.reaction': { one: '{reaction}: {count} reaction', other: '{reaction}: {count} reactions' },
  'message.reason': 'Reason',
  'message.reportReason': 'Why should moderators look at this?',
  'message.hideReason': 'Reason for hiding (members do not see it)',
  'message.reported': 'Reported. Thank you; moderators will look at it.',
  'message.save': 'Save',
  'message.cancel': 'Cancel',
  'message.editLabel': 'Edit message',
  'message.moderator': 'moderator',
  'message.owner': 'owner',

  // Composer
  'composer.label': 'Write a message',
  'composer.placeholder': 'Write a message… (Enter to send, Shift+Enter for a new line)',
  'composer.send': 'Send',
  'composer.cw': 'Add a content warning',
  'composer.cwLabel': 'Content warning',
  'composer.replyingTo': 'Replying to {author}',
  'composer.cancelReply': 'Cancel reply',
  'composer.tooLong': '{count} characters too many',
  'composer.queued': 'Waiting for the connection; it will be sent when it is back.',
  'composer.sending': 'Sending…',
  'composer.failed': 'Not sent: {reason}',
  'composer.muted': 'You are muted until {time}.',
  'composer.signIn': 'Join the circle to write here.',

  // Members
  'members.label': 'Members',
  'members.count': { one: '{count} member', other: '{count} members' },
  'members.owner': 'Owner',
  'members.moderator': 'Moderators',
  'members.member': 'Members',
  'members.muted': 'muted until {time}',
  'members.banned': 'banned',
  'members.you': '(you)',
  'members.actions': 'Moderate {name}',
  'members.mute': 'Mute',
  'members.unmute': 'Unmute',
  'members.ban': 'Ban',
  'members.banRevokeInvite': 'Also revoke the invite they joined by',
  'members.unban': 'Unban',
  'members.remove': 'Remove',
  'members.promote': 'Make moderator',
  'members.demote': 'Make member',
  'members.duration': 'For how long',
  'members.hour': '1 hour',
  'members.day': '1 day',
  'members.week': '1 week',
  'members.month': '28 days',

} as const;

type Widen<T> = T extends string ? string : { one: string; other: string };
type English = typeof en & typeof enModeration;

/** A complete catalogue: every key, in one language (the moderation part's strings included). */
export type Messages = { [K in keyof English]: Widen<English[K]> };
export type MessageKey = keyof Messages;
