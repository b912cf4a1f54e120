// Shared set-up for the element tests: a memory hub with one circle, connected clients, and ways to wait
// for (and find things in) rendered shadow DOM.
import '@hearth/elements/define';
import { fixture } from '@open-wc/testing';
import type { CircleClient, CircleSnapshot } from '@hearth/core';
import type { TemplateResult } from 'lit';
import { client, invite, makeCircle, token, until } from '../core/helpers.js';

export { client, invite, makeCircle, token, until };
export { sleep } from '../core/helpers.js';

export const REACTIONS = ['🔥', '🌱', '💡'];

/** A circle with its owner and one member connected, and a thread. */
export async function circleWithMembers(options: { latencyMs?: number; members?: string[] } = {}) {
  const made = makeCircle({ latencyMs: options.latencyMs ?? 0 }, { reactions: REACTIONS });
  const owner = client({ hub: made.hub, circle: made.circle, credentials: token(made.ownerToken) });
  owner.connect();
  await connected(owner);
  const members: CircleClient[] = [];
  for (const name of options.members ?? ['Ana']) {
    const member = client({ hub: made.hub, circle: made.circle });
    await member.join(invite(made.inviteCode, name));
    members.push(member);
  }
  const threadId = await owner.createThread('Tea and books');
  await until(owner, (s) => !!s.threads[threadId]?.thread, 'thread');
  for (const member of members) await until(member, (s) => !!s.threads[threadId]?.thread, 'thread seen');
  return { ...made, owner, members, member: members[0]!, threadId };
}

export function connected(c: CircleClient): Promise<CircleSnapshot> {
  return until(c, (s) => s.status === 'connected', 'connected');
}

/** Polls until `check` returns a truthy value (DOM conditions that no client snapshot tells about). */
export async function waitFor<T>(check: () => T | null | undefined | false, what = 'condition', timeoutMs = 4000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every element matching `selector` in `root` and in every shadow root below it. */
export function deepAll<E extends Element = HTMLElement>(root: Element | ShadowRoot | Document, selector: string): E[] {
  const found: E[] = [];
  const visit = (node: Element | ShadowRoot | Document) => {
    found.push(...node.querySelectorAll<E>(selector));
    for (const element of node.querySelectorAll('*')) if (element.shadowRoot) visit(element.shadowRoot);
  };
  // No instanceof: elements may come from another window (an iframe).
  const shadow = (root as Element).shadowRoot;
  if (shadow) visit(shadow);
  visit(root);
  return found;
}

export function deep<E extends Element = HTMLElement>(root: Element | ShadowRoot | Document, selector: string): E | undefined {
  return deepAll<E>(root, selector)[0];
}

/** The visible text of an element and its shadow trees, collapsed. */
export function deepText(root: Element): string {
  const parts: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
    const shadow = (node as Element).shadowRoot;
    const children = shadow ? shadow.childNodes : node.childNodes;
    for (const child of children) visit(child);
  };
  visit(root);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** A button found by its visible text, anywhere below `root`. */
export function button(root: Element, text: string | RegExp): HTMLButtonElement | undefined {
  return deepAll<HTMLButtonElement>(root, 'button').find((b) => (typeof text === 'string' ? b.textContent!.trim() === text : text.test(b.textContent!.trim())));
}

export async function render<E extends HTMLElement>(template: TemplateResult): Promise<E> {
  return fixture<E>(template);
}

/** The element that has focus, looking through shadow roots. */
export function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
