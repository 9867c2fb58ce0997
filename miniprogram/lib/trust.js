// The trust list: the deployment's list embedded in the package
// (core/config.js, written by scripts/miniprogram), opened with the root key
// pinned in the same file. A list signed by another root, or none at all,
// leaves the checkpoint without one: every scan is then refused as `no_trust`.
//
// The checkpoint also takes newer lists (by scan, file or link) through the
// verifier's Provisioning (www/verify/trust.js), with the no-rollback rule of
// the core; the list it accepted is kept in platform storage and the
// package's list is the floor: a stored list older than it, or unreadable,
// gives way to it.
const base64 = require('../web/shared/base64.js');
const { Provisioning, KEYS } = require('../web/verify/trust.js');

const LIST_KEY = 'cw.checkpoint.trustList';

// The config's base64 is ours, but checked anyway.
function fromBase64(text) {
  try {
    return base64.fromBase64(text);
  } catch {
    const error = new Error('the trust list in the config is not base64');
    error.code = 'malformed';
    throw error;
  }
}

function loadConfig() {
  // eslint-disable-next-line global-require
  return require('../core/config.js');
}

// {trust} or {trust: null, problem: {code, message}}; code 'no_config' (no
// root key or list in the package) or the core's ('wrong_root',
// 'invalid_signature', 'malformed', …).
function trustFromConfig(cw, config = loadConfig()) {
  if (!config || !config.rootPublicKey || !config.trustListBase64) {
    return { trust: null, problem: { code: 'no_config', message: 'no root key or trust list in the package' } };
  }
  try {
    return { trust: new cw.TrustList(fromBase64(config.trustListBase64), config.rootPublicKey), problem: null };
  } catch (e) {
    return { trust: null, problem: { code: (e && e.code) || 'malformed', message: String((e && e.message) || e) } };
  }
}

function typedError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// Provisioning's list store over platform storage: one key, base64 (the
// platform's 1 MB a key bounds it; a longer list is refused there with
// `quota_exceeded` and used for the session only). The package's own list is
// not copied: putting it removes a stored one instead.
function platformListStore(storage, embedded) {
  return {
    get: async () => {
      const text = storage.getItem(LIST_KEY);
      if (text === null) return null;
      try {
        return base64.fromBase64(text);
      } catch {
        throw typedError('list_corrupt', 'the saved trust list is damaged');
      }
    },
    put: async (bytes) => {
      const b = new Uint8Array(bytes);
      if (embedded && sameBytes(b, embedded)) storage.removeItem(LIST_KEY);
      else storage.setItem(LIST_KEY, base64.toBase64(b));
    },
  };
}

// The checkpoint's Provisioning, root key pinned to the package's: the list
// kept from before if it still checks, then the package's list offered over
// it. Resolves to {provisioning, problem, readError}: provisioning is null without a
// root key in the package; problem as trustFromConfig's when the package's
// list itself is refused (a stored newer one may still be in use); readError
// why the kept list was not taken, or null.
async function openProvisioning(cw, storage, config = loadConfig()) {
  if (!config || !config.rootPublicKey) {
    return { provisioning: null, problem: { code: 'no_config', message: 'no root key in the package' } };
  }
  const root = String(config.rootPublicKey).trim().toLowerCase();
  // The package pins the root: nothing about it is read from or written to storage.
  const pinned = { getItem: (key) => (key === KEYS.root ? root : null), setItem() {}, removeItem() {} };
  let embedded = null;
  let problem = null;
  if (config.trustListBase64) {
    try {
      embedded = fromBase64(config.trustListBase64);
    } catch (e) {
      problem = { code: e.code, message: e.message };
    }
  } else problem = { code: 'no_config', message: 'no trust list in the package' };
  const provisioning = new Provisioning(cw, pinned, platformListStore(storage, embedded));
  await provisioning.restore();
  // A kept list that could not be read, or no longer checks, is said once.
  let readError = provisioning.storeError;
  if (!readError && !provisioning.trust && storage.getItem(LIST_KEY) !== null) readError = 'the saved trust list does not check with the root key';
  if (embedded) {
    const r = await provisioning.offer(embedded);
    // Older than, or a variant of, the kept list: the kept one stands.
    if (!r.accepted && !['same', 'rollback', 'sequence_reused'].includes(r.code)) problem = { code: r.code, message: r.message };
  }
  return { provisioning, problem, readError };
}

module.exports = { trustFromConfig, fromBase64, loadConfig, openProvisioning, platformListStore, LIST_KEY };
