// Shared by the tests of the drop-in's on-demand parts (lazy-parts*.test.ts): each file is its own page,
// because a browser keeps a module import that failed for the page's life.
import { setupWorker } from 'msw/browser';
import type { CircleClient } from '@hearth/core';
import { client, makeCircle, sleep, token, until } from '../core/helpers.js';

export const BUNDLE = '/packages/elements/dist/hearth.js';
export const worker = setupWorker();

/** Starts msw and loads the built drop-in; false when it is not built. */
export async function startWithBundle(): Promise<boolean> {
  if (!(await fetch(BUNDLE, { method: 'HEAD' })).ok) return false;
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' });
  await import(/* @vite-ignore */ BUNDLE);
  return true;
}

export async function connectedOwner(): Promise<CircleClient> {
  const { hub, circle, ownerToken } = makeCircle();
  const owner = client({ hub, circle, credentials: token(ownerToken) });
  owner.connect();
  await until(owner, (s) => s.status === 'connected', 'connected');
  return owner;
}

/** A `<hearth-circle>` of the bundle, bound to a client, in the page. */
export function circleElement(owner: CircleClient, lang = 'en'): HTMLElement {
  const element = document.createElement('hearth-circle') as HTMLElement & { client: CircleClient };
  element.lang = lang;
  element.client = owner;
  document.body.append(element);
  return element;
}

export const navLabels = (element: HTMLElement) => [...(element.shadowRoot?.querySelectorAll('nav[part=nav] button') ?? [])].map((b) => b.textContent!.trim());

export async function waitFor<T>(check: () => T | null | undefined | false, what: string, timeoutMs = 6000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Collects console.warn calls until restored. */
export function warnings(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { lines, restore: () => (console.warn = original) };
}

/** Makes a few snapshot changes, so every element of the circle renders again. */
export async function rerender(owner: CircleClient): Promise<void> {
  for (let i = 0; i < 5; i++) await owner.createThread(`thread ${i}`);
  await sleep(100);
}
