// The elements' classes, without registering them (import `@hearth/elements/define` for that), so a page
// can register them under its own names or subclass them.
export { HearthElement } from './shared/element.js';
export { HearthCircleElement } from './hearth-circle/hearth-circle.js';
export { HearthJoinElement } from './hearth-join/hearth-join.js';
export { HearthThreadListElement } from './hearth-thread-list/hearth-thread-list.js';
export { HearthThreadElement, WINDOW } from './hearth-thread/hearth-thread.js';
export { HearthMessageElement } from './hearth-message/hearth-message.js';
export { HearthComposerElement } from './hearth-composer/hearth-composer.js';
export { HearthMembersElement } from './hearth-members/hearth-members.js';
export { HearthModerationElement } from './hearth-moderation/hearth-moderation.js';
export { HearthStatusElement } from './hearth-status/hearth-status.js';
export { defineElement, VERSION } from './shared/define.js';
export { emit } from './shared/events.js';
export type { HearthEvent, HearthEventDetails, HearthEventName, MessageAction, ModerationAction } from './shared/events.js';
export { registerLanguage, resolveLanguage, directionOf, translate, setLanguageLoader } from './i18n/catalogue.js';
export type { MessageKey, Messages } from './i18n/catalogue.js';
export { en } from './i18n/en.js';
export { enModeration } from './i18n/en-moderation.js';
export { fr } from './i18n/fr.js';
export { parse as parseMarkdown, parseInline, safeUrl } from './markdown/parse.js';
export type { Block, Inline } from './markdown/parse.js';
