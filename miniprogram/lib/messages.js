// The words of the mini-program's screens, in English and Chinese.
const MESSAGES = {
  en: {
    loading: 'Loading…',
    empty: 'No health code on this phone yet.',
    failed: 'This code cannot be shown ({code}).',
    name: 'Name',
    validUntil: 'Valid until',
    issuer: 'Issued by',
    status_green: 'Green: may pass',
    status_yellow: 'Yellow: restrictions apply',
    status_red: 'Red: may not pass',
    status_expired: 'Expired',
    status_not_yet_valid: 'Not valid yet',
    status_invalid: 'Not valid',
    damaged: 'Part of the stored codes could not be read ({reason}). The original is kept on this phone; nothing was deleted.',
  },
  'zh-CN': {
    loading: '加载中…',
    empty: '此手机上还没有健康码。',
    failed: '无法显示此码（{code}）。',
    name: '姓名',
    validUntil: '有效期至',
    issuer: '签发机构',
    status_green: '绿码：可通行',
    status_yellow: '黄码：限制通行',
    status_red: '红码：不可通行',
    status_expired: '已过期',
    status_not_yet_valid: '尚未生效',
    status_invalid: '无效',
    damaged: '部分已保存的健康码无法读取（{reason}）。原始数据仍保留在此手机上，未删除任何内容。',
  },
};

// 'zh_CN', 'zh-Hans', 'zh' → Chinese; anything else → English.
function languageOf(platformLanguage) {
  return /^zh/i.test(String(platformLanguage)) ? 'zh-CN' : 'en';
}

// A translator for `language`: t(key, {name: value}).
function translator(language) {
  const table = MESSAGES[language] || MESSAGES.en;
  return (key, params = {}) =>
    String(key in table ? table[key] : key).replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

module.exports = { MESSAGES, languageOf, translator };
