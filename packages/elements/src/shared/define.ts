/** The version of these elements; a second copy on the page compares it before standing aside. */
export const VERSION = '0.1.0';

/**
 * Registers a custom element unless that name is taken. Two copies of the bundle on one page (a site and
 * a plugin each adding it) would otherwise throw on the second `define` and abort the rest of that bundle.
 * The first copy wins; a different version is worth a warning, because the page then runs the older one.
 */
export function defineElement(name: string, constructor: CustomElementConstructor & { hearthVersion?: string }): void {
  const existing = customElements.get(name) as (CustomElementConstructor & { hearthVersion?: string }) | undefined;
  if (!existing) {
    customElements.define(name, constructor);
    return;
  }
  if (existing !== constructor && existing.hearthVersion !== constructor.hearthVersion) {
    console.warn(`<${name}> is already defined (version ${existing.hearthVersion ?? 'unknown'}); version ${constructor.hearthVersion ?? 'unknown'} was not registered.`);
  }
}
