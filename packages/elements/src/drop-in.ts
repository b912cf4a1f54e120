// The one-file drop-in (`hearth.js`): every element and the WebSocket transport, so that
// `<hearth-circle server="…" circle="…">` works with no other code on the page. The transport is set up
// first: elements already in the page upgrade as soon as they are registered.
import './hearth-circle/websocket.js';
import './define.js';

// A page that adds an enumerable property to Object.prototype gives every object that key, and the protocol's
// validation then refuses every frame the server sends: the widget could only keep reconnecting. Say why.
for (const key in {}) {
  console.error(`Hearth cannot work on this page: it adds "${key}" to Object.prototype as an enumerable property. Define it with Object.defineProperty (enumerable: false) instead.`);
  break;
}

// What a page using only the bundle may need: another language, e.g.
// `import { registerLanguage } from '/hearth.js'; registerLanguage('de', { … })`.
export { registerLanguage } from './i18n/catalogue.js';
export { HearthCircleElement } from './hearth-circle/hearth-circle.js';
