// Registers every Hearth element under its `hearth-*` name. Safe to import twice, or next to another copy
// of the bundle: a name already taken is left to its first owner. French is fetched when first needed.
import { defineElement } from './shared/define.js';
import { setLanguageLoader } from './i18n/catalogue.js';
import { HearthCircleElement } from './hearth-circle/hearth-circle.js';
import { HearthJoinElement } from './hearth-join/hearth-join.js';
import { HearthThreadListElement } from './hearth-thread-list/hearth-thread-list.js';
import { HearthThreadElement } from './hearth-thread/hearth-thread.js';
import { HearthMessageElement } from './hearth-message/hearth-message.js';
import { HearthComposerElement } from './hearth-composer/hearth-composer.js';
import { HearthMembersElement } from './hearth-members/hearth-members.js';
import type { HearthModerationElement } from './hearth-moderation/hearth-moderation.js';
import { registerLazyElement } from './shared/lazy.js';
import { HearthStatusElement } from './hearth-status/hearth-status.js';

/** Languages shipped with Hearth besides English, loaded on first use. */
setLanguageLoader((lang) => (lang === 'fr' ? import('./i18n/fr-define.js') : undefined));

defineElement('hearth-status', HearthStatusElement);
defineElement('hearth-message', HearthMessageElement);
defineElement('hearth-composer', HearthComposerElement);
defineElement('hearth-thread', HearthThreadElement);
defineElement('hearth-thread-list', HearthThreadListElement);
defineElement('hearth-join', HearthJoinElement);
defineElement('hearth-members', HearthMembersElement);
// Moderator tools are fetched only for moderators (see shared/lazy.ts).
registerLazyElement('hearth-moderation', () => import('./hearth-moderation/define.js'));
defineElement('hearth-circle', HearthCircleElement);

declare global {
  interface HTMLElementTagNameMap {
    'hearth-circle': HearthCircleElement;
    'hearth-join': HearthJoinElement;
    'hearth-thread-list': HearthThreadListElement;
    'hearth-thread': HearthThreadElement;
    'hearth-message': HearthMessageElement;
    'hearth-composer': HearthComposerElement;
    'hearth-members': HearthMembersElement;
    'hearth-moderation': HearthModerationElement;
    'hearth-status': HearthStatusElement;
  }
}
