import { createCircleClient, createMemoryHub, memoryStorage, type CircleClient, type CircleSnapshot, type ClientStorage, type MemoryHub, type Transport } from '@hearth/core';
import type { Credentials } from '@hearth/protocol';

let circles = 0;

/** A hub with one circle, its owner's token and a multi-use invite. */
export function makeCircle(hubOptions: Parameters<typeof createMemoryHub>[0] = {}, init: { reactions?: string[]; slowModeSeconds?: number } = {}) {
  const hub = createMemoryHub(hubOptions);
  const circle = `circle-${++circles}`;
  const { ownerToken, ownerId } = hub.createCircle({
    id: circle,
    name: 'Readers',
    owner: { displayName: 'Owner' },
    ...(init.reactions ? { reactions: init.reactions } : {}),
    settings: { slowModeSeconds: init.slowModeSeconds ?? 0 },
  });
  const inviteCode = hub.createInvite(circle, { maxUses: null, expiresInMs: null });
  return { hub, circle, ownerToken, ownerId, inviteCode };
}

export interface ClientOptions {
  hub: MemoryHub;
  circle: string;
  credentials?: Credentials;
  storage?: ClientStorage;
  transport?: Transport;
  random?: () => number;
  onWake?: (listener: () => void) => () => void;
}

export function client(options: ClientOptions): CircleClient {
  return createCircleClient({
    transport: options.transport ?? options.hub.transport(),
    circle: options.circle,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    storage: options.storage ?? memoryStorage(),
    environment: { random: options.random ?? (() => 0.1), onWake: options.onWake ?? (() => () => {}) },
  });
}

/** Resolves when the client's snapshot satisfies `predicate`; fails after `timeoutMs`. */
export function until(c: CircleClient, predicate: (s: CircleSnapshot) => boolean, what = 'condition', timeoutMs = 4000): Promise<CircleSnapshot> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const snapshot = c.getSnapshot();
      if (predicate(snapshot)) {
        stop();
        clearTimeout(timer);
        resolve(snapshot);
        return true;
      }
      return false;
    };
    const stop = c.subscribe(check);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}; status ${c.getSnapshot().status}`));
    }, timeoutMs);
    check();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const token = (t: string): Credentials => ({ kind: 'token', token: t });
export const invite = (code: string, displayName: string): Credentials => ({ kind: 'invite', code, displayName, acceptNorms: true });
