// The decode worker, started from the page's folder so that the page's
// service worker serves it offline (see ../shared/reader.js).
import '../shared/decode-worker.js';
