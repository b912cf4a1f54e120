// Elements only some viewers need (the moderation tools, for moderators) are fetched when first shown, so
// every other reader of the page does not download them. An element used before its module has arrived
// upgrades when it does; properties set on it meanwhile are kept. A module that failed to load is not asked
// for again: browsers keep a failed module import for the page's life, so a retry could only fail again.

const loaders = new Map<string, () => Promise<unknown>>();

/** Says how to fetch the module that defines `name`. */
export function registerLazyElement(name: string, load: () => Promise<unknown>): void {
  loaders.set(name, load);
}

/** Fetches the definition of `name` unless it is defined already (or nobody said how). */
export function ensureElement(name: string): void {
  const load = loaders.get(name);
  if (!load || customElements.get(name)) return;
  loaders.delete(name);
  load().catch((error: unknown) => console.warn(`could not load <${name}>; reload the page to try again`, error));
}
