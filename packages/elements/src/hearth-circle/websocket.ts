// Connects `<hearth-circle server="…">` to the reference server over WebSocket. Imported by the drop-in
// before the elements are registered, so elements already in the page upgrade with a transport to use.
import { createWebSocketTransport } from '@hearth/transport-websocket';
import { HearthCircleElement } from './hearth-circle.js';

HearthCircleElement.transportFactory ??= (server) => createWebSocketTransport({ url: server });
// `<script src="https://circles.example.org/hearth.js">` then `<hearth-circle circle="readers">`: the server
// that served the bundle is the one to talk to unless the tag says otherwise.
HearthCircleElement.defaultServer ||= new URL(import.meta.url).origin;
