// The mini-program: everything it shows comes from the package and the
// phone's storage; the core wasm module loads when a page first asks for it.
require('./lib/compat.js');

App({});
