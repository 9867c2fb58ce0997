// The words of the mini-program's screens, in English and Chinese. The words
// the web wallet also shows (status, name, a damaged store, errors) come from
// its own table (www/wallet/i18n.js, brought in by scripts/miniprogram); this
// file holds only the few that belong to the mini-program's screens.
const wallet = require('../web/wallet/i18n.js');

const OWN = {
  en: {
    loading: 'Loading…',
    empty: 'No health code on this phone yet.',
    failed: 'This code cannot be shown ({code}).',
    validUntilLabel: 'Valid until',
    issuer: 'Issued by',
  },
  'zh-CN': {
    loading: '加载中…',
    empty: '此手机上还没有健康码。',
    failed: '无法显示此码（{code}）。',
    validUntilLabel: '有效期至',
    issuer: '签发机构',
  },
};

// The platform says 'zh_CN', 'zh_TW', 'en'; the pages' own rule picks from
// language tags.
function languageOf(platformLanguage) {
  return wallet.pickLanguage(null, [String(platformLanguage).replace(/_/g, '-')]);
}

// A translator for `language`: t(key, {name: value}), the mini-program's own
// words first, then the wallet's.
function translator(language) {
  const own = OWN[language] || OWN.en;
  const shared = wallet.translator(language);
  return (key, params = {}) =>
    key in own ? own[key].replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m)) : shared(key, params);
}

module.exports = { OWN, languageOf, translator };
