// The words of the mini-program's screens, in English and Chinese. The words
// the web pages also show come from their own tables, brought in by
// scripts/miniprogram: the wallet's (status, name, a damaged store, errors,
// www/wallet/i18n.js) and the checkpoint verifier's (verdicts, reasons,
// warnings, the log, www/verify/i18n.js). This file holds only the few that
// belong to the mini-program's screens; all are worded by the pages' one
// message format (www/shared/messages.js), with named parameters.
const wallet = require('../web/wallet/i18n.js');
const verifier = require('../web/verify/i18n.js');
const languages = require('../web/shared/languages.js');
const messages = require('../web/shared/messages.js');

const OWN = {
  en: {
    loading: 'Loading…',
    failed: 'This code cannot be shown ({code}).',
    validUntilLabel: 'Valid until',
    issuer: 'Issued by',
  },
  'zh-CN': {
    loading: '加载中…',
    failed: '无法显示此码（{code}）。',
    validUntilLabel: '有效期至',
    issuer: '签发机构',
  },
};

// The checkpoint's own words: what the platform's scanner, file picker and
// sharing answer, and what only this checkpoint does.
const CHECKPOINT = {
  en: {
    loading: 'Loading…',
    ready: 'Tap Scan and point the camera at the health code.',
    cancelled: 'Scan cancelled: nothing was logged. Tap Scan for the next person.',
    scanFailed: 'The scanner did not work ({code}): nothing was logged. Tap Scan to try again.',
    startFailed: 'The checkpoint could not start ({code}).',
    grantNotHere: 'This is an upload grant: this checkpoint does not upload, its records leave by export. Nothing was logged.',
    tubeScan: 'Scan tube',
    trustList: 'Trust list',
    linkNoList: 'The link holds no trust list: nothing changed.',
    fileFailed: 'The file could not be read ({code}): nothing changed.',
    exportWriteFailed: 'The export file could not be written ({why}): nothing counts as exported.',
    exportReady: 'The file {file} ({count} records) is ready: send it to a chat to keep it.',
    exportShare: 'Send to a chat',
    exportNotShared: 'The export file was not shared ({code}): nothing counts as exported. Export again.',
    settingsReset: 'The saved settings could not be read ({why}): the defaults are in use.',
    settingsNotSaved: 'The settings could not be saved ({why}): they hold until the checkpoint is closed.',
  },
  'zh-CN': {
    loading: '加载中…',
    ready: '点击“扫码”，将摄像头对准健康码。',
    cancelled: '已取消扫码，未记录。点击“扫码”核验下一位。',
    scanFailed: '扫码失败（{code}），未记录。点击“扫码”重试。',
    startFailed: '检查点无法启动（{code}）。',
    grantNotHere: '这是上传授权：本检查点不上传，记录通过导出离开本设备。未记录。',
    tubeScan: '扫描采样管',
    trustList: '信任列表',
    linkNoList: '链接中没有信任列表：未作更改。',
    fileFailed: '无法读取该文件（{code}）：未作更改。',
    exportWriteFailed: '无法写入导出文件（{why}）：不计为已导出。',
    exportReady: '文件 {file}（{count} 条）已准备好：发送到聊天以便保存。',
    exportShare: '发送到聊天',
    exportNotShared: '导出文件未发送（{code}）：不计为已导出。请重新导出。',
    settingsReset: '无法读取已保存的设置（{why}）：正在使用默认设置。',
    settingsNotSaved: '无法保存设置（{why}）：设置仅在关闭检查点前有效。',
  },
};

// The checkpoint's translator: tr(key, {name: value}) for its own words,
// tr.verifier(key, {name: value}) for the verifier's table.
function checkpointTranslator(language) {
  const tr = messages.translator(CHECKPOINT, language);
  tr.verifier = verifier.translator(language);
  return tr;
}

// The platform says 'zh_CN', 'zh_TW', 'en'; the pages' own rule picks from
// language tags.
function languageOf(platformLanguage) {
  return languages.pickLanguage(null, [String(platformLanguage).replace(/_/g, '-')]);
}

// The wallet's words with the mini-program's own over them, by language.
const WALLET = {};
for (const code of languages.LANGUAGE_CODES) WALLET[code] = Object.assign({}, wallet.MESSAGES[code], OWN[code]);

// A translator for `language`: t(key, {name: value}), the mini-program's own
// words first, then the wallet's.
const translator = (language) => messages.translator(WALLET, language);

module.exports = { OWN, CHECKPOINT, languageOf, translator, checkpointTranslator };
