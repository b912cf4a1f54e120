/**
 * Where the client keeps what must survive a reload: the outbox, the member token, read marks.
 * Synchronous and string-valued on purpose: `localStorage` is, and the outbox must be written before a
 * command is sent, with no await in between where a reload could lose it.
 */
export interface ClientStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** Storage that lives as long as the page (the default). Share one instance to simulate a reload in tests. */
export function memoryStorage(): ClientStorage {
  const data = new Map<string, string>();
  return {
    get: (key) => data.get(key) ?? null,
    set: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
  };
}

/**
 * `localStorage`, when the page has it and it works (it throws in some private modes and sandboxed frames);
 * otherwise memory storage, so the widget still runs, only without surviving reloads.
 */
export function browserStorage(): ClientStorage {
  try {
    const ls = globalThis.localStorage;
    const probe = '__hearth_probe__';
    ls.setItem(probe, probe);
    ls.removeItem(probe);
    return {
      get: (key) => ls.getItem(key),
      set: (key, value) => {
        try {
          ls.setItem(key, value);
        } catch {
          // Quota exceeded: the command still goes out while the page lives.
        }
      },
      remove: (key) => ls.removeItem(key),
    };
  } catch {
    return memoryStorage();
  }
}

export function readJson<T>(storage: ClientStorage, key: string, fallback: T): T {
  const raw = storage.get(key);
  if (raw === null) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}
