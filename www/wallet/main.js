// The page's entry: runs the wallet (wallet.js) once the document is parsed.

import { start } from './wallet.js';

start();
