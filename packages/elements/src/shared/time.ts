const relative = new Map<string, Intl.RelativeTimeFormat>();
const absolute = new Map<string, Intl.DateTimeFormat>();

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
];

/** "just now", "5 minutes ago", "yesterday"; a date after a week, when a relative phrase stops helping. */
export function relativeTime(lang: string, at: number, now: number): string {
  let value = (at - now) / 1000;
  if (Math.abs(value) < 45) return cached(relative, lang, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })).format(0, 'second');
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return cached(relative, lang, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })).format(Math.round(value), unit);
    value /= size;
  }
  return fullTime(lang, at);
}

/** The full date and time, for tooltips and old messages. */
export function fullTime(lang: string, at: number): string {
  return cached(absolute, lang, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' })).format(at);
}

/**
 * Makes the formatters before the first message needs them. A page's first Intl formatter loads the locale
 * data (30-50 ms in headless Chromium here); a thread asks for it as it connects, so that cost falls in the
 * wait for its first page from the network rather than between the data arriving and its paint.
 */
export function warmUpTime(lang: string): void {
  if (relative.has(lang)) return;
  setTimeout(() => {
    relativeTime(lang, 0, 0);
    fullTime(lang, 0);
  }, 0);
}

function cached<T>(map: Map<string, T>, lang: string, make: () => T): T {
  let value = map.get(lang);
  if (!value) {
    try {
      value = make();
    } catch {
      value = map.get('en') ?? ((lang = 'en'), make());
    }
    map.set(lang, value);
  }
  return value;
}
