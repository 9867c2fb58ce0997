// The core wasm module, loaded once through the platform adapter. Resolves to
// the module's exports (TrustList, Wallet, qrMatrix, …); a failed load rejects
// with `{code: 'core_unavailable'}` and is tried again on the next call.
const platform = require('./platform.js');

let loading = null;

function core() {
  if (loading === null) {
    loading = platform.loadCore().catch((e) => {
      loading = null;
      const error = new Error(`the core module did not load: ${(e && e.message) || e}`);
      error.code = 'core_unavailable';
      throw error;
    });
  }
  return loading;
}

module.exports = { core };
