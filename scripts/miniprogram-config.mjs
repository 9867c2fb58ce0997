// The mini-program's config module: the deployment's root public key, trust
// list and refresh URL from the pages' config.json (www/demo-data/config.json),
// with the trust list file embedded as base64, since the package cannot fetch
// it. A config that is there but wrong stops the build.
//
// Usage: node scripts/miniprogram-config.mjs CONFIG.json OUT.js
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runStep, writeWhole } from './build-step.mjs';

export function configModule(configPath) {
  const config = { rootPublicKey: null, trustListBase64: null, refreshUrl: null };
  if (existsSync(configPath)) {
    let given;
    try {
      given = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (e) {
      throw new Error(`${configPath}: not JSON (${e.message})`);
    }
    if (!given || typeof given !== 'object') throw new Error(`${configPath}: not a JSON object`);
    if (!/^[0-9a-fA-F]{64}$/.test(String(given.rootPublicKey))) {
      throw new Error(`${configPath}: rootPublicKey must be 64 hex digits`);
    }
    config.rootPublicKey = given.rootPublicKey;
    if (given.trustList) {
      const file = join(dirname(configPath), String(given.trustList));
      if (!existsSync(file)) throw new Error(`${configPath}: no trust list file ${file}`);
      config.trustListBase64 = readFileSync(file).toString('base64');
    }
    if (given.refreshUrl) config.refreshUrl = String(given.refreshUrl);
  }
  return `// Written by scripts/miniprogram from the pages' config.json; do not edit.
module.exports = ${JSON.stringify(config, null, 2)};
`;
}

runStep(import.meta.url, 'CONFIG.json OUT.js', 2, (input, output) => {
  const text = configModule(input);
  if (!existsSync(input)) console.error(`no ${input}: the package has no root key or trust list (see README)`);
  writeWhole(output, text);
});
