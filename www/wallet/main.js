// The page's entry: draws the card kept from last time at once, then loads
// and runs the wallet (wallet.js), whose first render confirms or replaces it.

import { showKept, dropKept } from './kept-card.js';

showKept();
import('./wallet.js').then((m) => m.start()).catch(() => {
  dropKept();
  document.documentElement.dataset.ready = 'error';
});
