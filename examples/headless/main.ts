// Hearth without the elements: the core client drives a UI written with nothing but the DOM. The pattern
// is the same for any framework: subscribe to the client, render from `getSnapshot()`, call commands. User
// text goes in with `textContent` only, never as HTML.
import { createCircleClient, type CircleSnapshot, type MessageView } from '@hearth/core';
import { createWebSocketTransport } from '@hearth/transport-websocket';

const THREAD_KEY = '/headless/';
const THREAD_TITLE = 'From the headless page';

const client = createCircleClient({
  // The page is served by the Hearth server, so it is the server to talk to.
  transport: createWebSocketTransport({ url: location.origin }),
  circle: 'demo',
});

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const joinForm = $<HTMLFormElement>('#join');
const postForm = $<HTMLFormElement>('#post');
const list = $<HTMLOListElement>('#messages');

// An invitation link carries the code in ?invite=.
(joinForm.elements.namedItem('code') as HTMLInputElement).value = new URLSearchParams(location.search).get('invite') ?? '';

joinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = (name: string) => (joinForm.elements.namedItem(name) as HTMLInputElement).value.trim();
  $('#join-error').textContent = '';
  try {
    await client.join({ kind: 'invite', code: field('code'), displayName: field('name'), acceptNorms: true });
  } catch (error) {
    $('#join-error').textContent = (error as Error).message;
  }
});

postForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const textarea = $<HTMLTextAreaElement>('#body');
  const body = textarea.value.trim();
  if (!body) return;
  // Optimistic: the message shows at once as pending, and is sent (exactly once) even across a reload.
  client.post({ threadKey: THREAD_KEY, threadTitle: THREAD_TITLE }, body).catch((error: Error) => {
    $('#post-error').textContent = error.message;
  });
  textarea.value = '';
  $('#post-error').textContent = '';
});

let loadedThread: string | null = null;

function render(snapshot: CircleSnapshot): void {
  const joined = snapshot.me !== null;
  $('#status').textContent = statusText(snapshot);
  // A saved token signs in by itself; the form is for newcomers and for a token the circle refused.
  joinForm.hidden = joined || (client.hasCredentials && snapshot.error?.code !== 'unauthorized');
  $('#thread').hidden = !joined;
  if (!joined) return;
  $('#me').textContent = `You are ${snapshot.me!.displayName} (${snapshot.me!.role}).`;

  const thread = snapshot.threadsByKey[THREAD_KEY];
  // A thread's messages are loaded on demand, newest page first.
  if (thread?.id && thread.id !== loadedThread && snapshot.status === 'connected') {
    loadedThread = thread.id;
    void client.loadOlder(thread.id);
  }
  list.replaceChildren(...(thread?.messages ?? []).map((message) => item(message, snapshot)));
}

function item(message: MessageView, snapshot: CircleSnapshot): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.id = message.id;
  if (message.pending) li.dataset.pending = message.pending;
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = snapshot.members[message.authorId]?.displayName ?? 'someone';
  const time = document.createElement('time');
  time.className = 'time';
  time.dateTime = new Date(message.createdAt).toISOString();
  time.textContent = message.pending === 'sending' ? 'sending…' : message.pending === 'failed' ? `not sent: ${message.error?.message ?? ''}` : new Date(message.createdAt).toLocaleTimeString();
  const body = document.createElement('p');
  body.className = 'body';
  body.textContent = message.state === 'visible' ? message.body : message.state === 'deleted' ? '(deleted)' : '(hidden by a moderator)';
  li.append(author, time, body);
  return li;
}

function statusText(snapshot: CircleSnapshot): string {
  if (snapshot.status === 'disconnected' && snapshot.error) return `Disconnected: ${snapshot.error.message}`;
  if (!snapshot.me && !client.hasCredentials) return 'Not a member yet.';
  return { initial: 'Starting…', connecting: 'Connecting…', connected: 'Connected.', reconnecting: 'Reconnecting…', disconnected: 'Disconnected.' }[snapshot.status];
}

client.subscribe(() => render(client.getSnapshot()));
render(client.getSnapshot());
// A member token saved by an earlier visit signs in by itself.
if (client.hasCredentials) client.connect();
