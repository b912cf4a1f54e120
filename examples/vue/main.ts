import { createApp } from 'vue';
// Registers the elements (with the WebSocket transport to the server that served the page). Vite's Vue
// plugin is told that `hearth-*` tags are custom elements (see examples/vite.config.ts).
import '@hearth/elements/drop-in';
import App from './App.vue';

createApp(App).mount('#app');
