// The page's entry: draws the card kept from last time at once, then loads
// and runs the wallet (wallet.js), whose first render confirms or replaces it.

import { showKept, dropKept } from './kept-card.js';

// A kept card reaches the screen (one frame) before the core's work takes the thread.
const painted = showKept() ? new Promise((ok) => requestAnimationFrame(() => setTimeout(ok))) : Promise.resolve();
painted.then(() => import('./wallet.js')).then((m) => m.start()).catch(() => {
  dropKept();
  document.documentElement.dataset.ready = 'error';
});
