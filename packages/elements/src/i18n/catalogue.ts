import { en, type MessageKey, type Messages } from './en.js';

interface Language {
  messages: Partial<Messages>;
  dir: 'ltr' | 'rtl';
}

const languages = new Map<string, Language>([['en', { messages: en, dir: 'ltr' }]]);
/** What every missing string falls back to: English, with the strings of the parts loaded so far. */
const english: Partial<Messages> = { ...en };
const listeners = new Set<() => void>();
/** Fetches a shipped language on first use, so pages in English do not download French. */
let loader: ((lang: string) => Promise<unknown> | undefined) | null = null;
const requested = new Set<string>();

/** Languages written right to left, for catalogues registered without saying. */
const RTL = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

/**
 * Adds (or extends) a language. Keys left out fall back to English, so a partial translation still works.
 * Elements already on the page re-render in it.
 *
 * @example registerLanguage('de', { 'composer.send': 'Senden', … })
 */
export function registerLanguage(lang: string, messages: Partial<Messages>, options: { dir?: 'ltr' | 'rtl' } = {}): void {
  const tag = lang.toLowerCase();
  const previous = languages.get(tag);
  languages.set(tag, {
    messages: { ...previous?.messages, ...messages },
    dir: options.dir ?? previous?.dir ?? (RTL.has(tag.split('-')[0]!) ? 'rtl' : 'ltr'),
  });
  for (const listener of listeners) listener();
}

/**
 * Adds the English strings of a part loaded later (the moderator tools). They fill in only what no
 * registered language has, so a page's own English wording stays.
 */
export function addEnglishStrings(messages: Partial<Messages>): void {
  Object.assign(english, messages);
  for (const listener of listeners) listener();
}

/** Called when a language is registered; returns the unsubscribe function. */
export function onLanguagesChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Sets how a language that is shipped but not yet registered is fetched (the drop-in loads `hearth-fr.js`
 * next to itself). Elements render in English meanwhile and switch when it arrives.
 */
export function setLanguageLoader(load: ((lang: string) => Promise<unknown> | undefined) | null): void {
  loader = load;
}

/** The registered language that best serves `lang`: itself, its base language (`fr` for `fr-CA`), or English. */
export function resolveLanguage(lang: string | null | undefined): string {
  const tag = (lang || 'en').toLowerCase();
  if (languages.has(tag)) return tag;
  const base = tag.split('-')[0]!;
  if (languages.has(base)) return base;
  if (loader && !requested.has(base)) {
    // Asked for once: browsers keep a failed module import for the page's life, so a retry could only fail.
    requested.add(base);
    loader(base)?.catch((error: unknown) => console.warn(`could not load the "${base}" strings; showing English`, error));
  }
  return 'en';
}

export function directionOf(lang: string): 'ltr' | 'rtl' {
  return languages.get(resolveLanguage(lang))?.dir ?? (RTL.has(lang.split('-')[0]!) ? 'rtl' : 'ltr');
}

export type Params = Record<string, string | number>;

/** Plural rules by language: making one costs far more than using it, and a thread asks for hundreds. */
const pluralRules = new Map<string, Intl.PluralRules>();

function pluralOf(tag: string, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(tag);
  if (!rules) pluralRules.set(tag, (rules = new Intl.PluralRules(tag)));
  return rules.select(count);
}

/** The string for `key` in `lang` (falling back to English), its plural form chosen by `count`, unfilled. */
function pattern(lang: string, key: MessageKey, count: unknown): string {
  const tag = resolveLanguage(lang);
  const entry = languages.get(tag)?.messages[key] ?? english[key]!;
  return typeof entry === 'string' ? entry : pluralOf(tag, Number(count ?? 0)) === 'one' ? entry.one : entry.other;
}

/** Looks a string up in `lang` (falling back to English) and fills in its `{parameters}`. */
export function translate(lang: string, key: MessageKey, params: Params = {}): string {
  const text = pattern(lang, key, params.count);
  return text.includes('{') ? text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match)) : text;
}

/**
 * Like `translate`, but leaves the parameters as values among the string's text, in the translation's order:
 * a template places them, so a name can sit in an element of its own (see `isolate`).
 */
export function translateParts<T>(lang: string, key: MessageKey, params: Record<string, T>): (string | T)[] {
  // split() with a capture group puts each `{name}` at an odd index.
  return pattern(lang, key, params.count).split(/\{(\w+)\}/).map((part, i) => (i % 2 === 0 ? part : part in params ? params[part]! : `{${part}}`));
}

export type { MessageKey, Messages };
