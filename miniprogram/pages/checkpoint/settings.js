// The checkpoint's settings, kept in platform storage under one key: the log
// mode, the station id written into registrations, the seconds before the
// next scan opens by itself (0 = off) and the hours after which the trust
// list counts as stale. A stored value that cannot be read is replaced by the
// default and reported, never thrown.
const KEY = 'cw.checkpoint.settings';
const DEFAULTS = Object.freeze({ mode: 'tally', station: '', autoNext: 0, staleHours: 24 });
const MAX_STATION = 64;

// An empty field is the default, not zero.
const clamp = (value, lo, hi, fallback) => {
  const n = value === null || (typeof value === 'string' && !value.trim()) ? NaN : Number(value);
  return Number.isFinite(n) ? Math.max(lo, Math.min(hi, Math.round(n))) : fallback;
};

// Any input → settings within bounds.
function normalize(given) {
  const g = given && typeof given === 'object' ? given : {};
  return {
    mode: g.mode === 'registration' ? 'registration' : 'tally',
    station: typeof g.station === 'string' ? g.station.trim().slice(0, MAX_STATION) : DEFAULTS.station,
    autoNext: clamp(g.autoNext, 0, 60, DEFAULTS.autoNext),
    staleHours: clamp(g.staleHours, 1, 720, DEFAULTS.staleHours),
  };
}

// {settings, problem}: problem is null, or {code: 'settings_corrupt' |
// 'storage_unavailable', message} when the defaults stand in.
function readSettings(storage) {
  let text;
  try {
    text = storage.getItem(KEY);
  } catch (e) {
    return { settings: normalize(null), problem: { code: (e && e.code) || 'storage_unavailable', message: String((e && e.message) || e) } };
  }
  if (text === null) return { settings: normalize(null), problem: null };
  try {
    const parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return { settings: normalize(parsed), problem: null };
  } catch (e) {
    return { settings: normalize(null), problem: { code: 'settings_corrupt', message: String((e && e.message) || e) } };
  }
}

// Null once stored, else the storage's typed error (the settings then hold for this session).
function writeSettings(storage, settings) {
  try {
    storage.setItem(KEY, JSON.stringify(normalize(settings)));
    return null;
  } catch (e) {
    return e;
  }
}

module.exports = { KEY, DEFAULTS, MAX_STATION, normalize, readSettings, writeSettings };
