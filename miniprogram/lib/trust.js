// The checkpoint's trust list: the deployment's list embedded in the package
// (core/config.js, written by scripts/miniprogram), opened with the root key
// pinned in the same file. A list signed by another root, or none at all,
// leaves the checkpoint without one: every scan is then refused as `no_trust`.
const base64 = require('../web/shared/base64.js');

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

module.exports = { trustFromConfig, fromBase64 };
