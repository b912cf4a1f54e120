// The page side of the custom transport example: the elements over a client whose transport is
// `createSseTransport`, talking to the example backend that `npm start` mounts at /custom-transport/api/….
import '@hearth/elements/define';
import { createCircleClient } from '@hearth/core';
import { createSseTransport } from './sse-transport.js';

const circle = document.querySelector('hearth-circle')!;
circle.client = createCircleClient({
  transport: createSseTransport({ url: `${location.origin}/custom-transport` }),
  circle: circle.circle,
});
