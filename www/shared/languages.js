// The languages the front ends speak: one list, with each language's own
// name and the browser languages it answers to, and how spans of time and
// dates are written in each (through Intl). A language is a row here and a
// table in each front end's i18n.js (tests hold the tables to this list).

export const LANGUAGES = Object.freeze([
  { code: 'en', name: 'English', matches: (tag) => /^en\b/i.test(tag) },
  { code: 'zh-CN', name: '中文', matches: (tag) => /^zh\b/i.test(tag) },
]);

export const LANGUAGE_CODES = Object.freeze(LANGUAGES.map((l) => l.code));

/** The language to start in: a saved choice, else the first of the browser's we speak, else the first of ours. */
export function pickLanguage(saved, browserLanguages) {
  if (LANGUAGE_CODES.includes(saved)) return saved;
  for (const tag of browserLanguages || []) {
    const found = LANGUAGES.find((l) => l.matches(String(tag)));
    if (found) return found.code;
  }
  return LANGUAGE_CODES[0];
}

/** The language after `code` in the list, for a one-button switch. */
export function nextLanguage(code) {
  return LANGUAGES[(LANGUAGE_CODES.indexOf(code) + 1) % LANGUAGES.length];
}

const UNITS = [
  { unit: 'second', seconds: 1, below: 90 },
  { unit: 'minute', seconds: 60, below: 90 * 60 },
  { unit: 'hour', seconds: 3600, below: 48 * 3600 },
  { unit: 'day', seconds: 86400, below: Infinity },
];

/** A span of seconds in the largest unit that reads well (`45 min`, `3 hr`, `2 days`), worded by Intl. */
export function duration(lang, secs) {
  const s = Math.max(0, Math.round(Number(secs) || 0));
  const { unit, seconds } = UNITS.find((u) => s < u.below);
  const n = Math.round(s / seconds);
  try {
    return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
  } catch {
    return `${n} ${unit}`; // a runtime without unit formatting still says it
  }
}

const two = (n) => String(n).padStart(2, '0');

/**
 * A date and time in `lang`. Where the runtime has no Intl (some mini-program
 * runtimes) or the date is out of its range: YYYY-MM-DD HH:MM, the same in
 * every language; the seconds as given if not even that.
 */
export function dateTime(lang, secs) {
  const date = new Date(secs * 1000);
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  } catch {
    if (Number.isNaN(date.getTime())) return String(secs); // never stop the screen over a date
    return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
  }
}
