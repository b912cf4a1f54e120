// The one-file drop-in (`hearth.js`): every element, French, and the WebSocket transport, so that
// `<hearth-circle server="…" circle="…">` works with no other code on the page.
import { createWebSocketTransport } from '@hearth/transport-websocket';
import { HearthCircleElement } from './hearth-circle/hearth-circle.js';
import './define.js';

// A second copy of the bundle leaves the first copy's elements registered; configuring the class that
// won keeps the one the page actually uses working.
const Circle = (customElements.get('hearth-circle') as typeof HearthCircleElement | undefined) ?? HearthCircleElement;
Circle.transportFactory ??= (server) => createWebSocketTransport({ url: server });

// What a page using only the bundle may need: another language, e.g.
// `import { registerLanguage } from '/hearth.js'; registerLanguage('de', { … })`.
export { registerLanguage } from './i18n/catalogue.js';
export { HearthCircleElement };
