import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Registers the elements (with the WebSocket transport to the server that served the page) before React
// renders them, so React 19 sets their properties rather than attributes.
import '@hearth/elements/drop-in';
import { App } from './App.js';

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
