// Registers <hearth-moderation>. The drop-in and `define` fetch it when a moderator first needs it.
import { defineElement } from '../shared/define.js';
import { HearthModerationElement } from './hearth-moderation.js';

defineElement('hearth-moderation', HearthModerationElement);
