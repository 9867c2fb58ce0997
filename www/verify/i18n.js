// Strings of the verifier in English and Simplified Chinese. Verdict reasons are
// chosen by the core's stable codes, not by parsing its English messages.

const en = {
  title: 'Checkpoint verifier',
  scan: 'Scan',
  stop: 'Stop camera',
  torch: 'Light',
  photo: 'Photo',
  pasteLabel: 'Or paste a code',
  check: 'Check',
  next: 'Next person',
  settings: 'Settings',
  log: 'Log',
  cameraStarting: 'Starting camera…',
  cameraOff: 'Camera off. Tap Scan, choose a photo, or paste a code.',
  updateReady: 'A new version of the verifier is installed. Reload when the queue allows.',
  reload: 'Reload',
  cameraDenied: 'No camera available ({0}). Use a photo or paste the code.',
  scanning: 'Point the camera at the code',
  hint: 'No code found yet: hold steady, 20–30 cm away, more light.',
  valid: 'VALID',
  refused: 'NOT VALID',
  statusGreen: 'Status: green',
  statusYellow: 'Status: yellow',
  statusRed: 'Status: red',
  name: 'Name',
  issuer: 'Issuer',
  validUntil: 'Valid until',
  idCheck: 'ID number on the card',
  idMatch: '✓ ID number matches',
  idNoMatch: '✗ ID number does NOT match',
  tubeLabel: 'Sample tube barcode (scan or type)',
  tubeSave: 'Link tube',
  tubeSaved: 'Tube {0} linked',
  tubeNeeded: 'Scan or type the tube barcode next',
  // reasons by code
  r_expired: 'Expired {0} ago',
  r_not_yet_valid: 'Not valid yet: valid in {0}',
  r_unknown_issuer: 'Unknown issuer: not in the trust list',
  r_invalid_signature: 'Forged or altered: the signature is invalid',
  r_revoked: 'Revoked by the issuer',
  r_malformed: 'Not a valid code',
  r_unsupported_version: 'Code format not supported: update the app',
  r_issuer_not_allowed: 'This issuer may not issue this status',
  r_issuer_key_not_valid: 'Signed outside the issuer key’s validity period',
  r_trust_list_expired: 'The trust list has expired: update it',
  r_url: 'This QR code holds a web address, not a health code',
  r_too_long: 'Too long to be a health code',
  r_empty: 'Nothing to check',
  r_no_trust: 'No trust list loaded: cannot verify',
  // warnings by code
  w_trust_list_stale: 'Trust list is {0} old: update it when online',
  w_trust_list_expired: 'Trust list has expired: update it when online',
  w_clock_before_trust_list: 'Device clock is wrong: earlier than the trust list was signed',
  w_clock_behind: 'Device clock seems {0} behind',
  w_clock_jump: 'Device clock jumped back {0} since the last scan: check the time',
  // scan errors
  e_too_large: 'Image too large ({0} pixels). Take a smaller photo.',
  e_not_found: 'No QR code found in this image.',
  e_unreadable: 'A QR code was seen but could not be read. Try again closer, with more light.',
  e_not_image: 'This file is not an image that can be read.',
  e_bad_dimensions: 'The image could not be read.',
  e_busy: 'Still reading the previous image.',
  // trust list
  tlNone: 'No trust list loaded',
  tlInfo: 'Trust list #{0} · {1} · signed {2} ago',
  tlStale: 'Stale: older than {0}. Update when online.',
  tlExpired: 'EXPIRED {0} ago. Update it.',
  tlLoad: 'Load trust list file',
  tlAccepted: 'Trust list #{0} accepted',
  tlSame: 'Trust list #{0} is already loaded',
  tlRollback: 'Refused: trust list #{0} is older than the loaded #{1}',
  tlBad: 'Refused trust list: {0}',
  tlRevoked: '{0} revoked',
  configChanged: 'Refused configuration: it changes the pinned root key. Keeping the pinned key.',
  configMissing: 'No configuration: the verifier has no root key yet.',
  // log
  mode: 'Log mode',
  modeTally: 'Tally (counts only)',
  modeRegistration: 'Registration (with sample tubes)',
  station: 'Station id',
  autoNext: 'Next person automatically after (s, 0 = off)',
  staleHours: 'Warn when the trust list is older than (hours)',
  sound: 'Sound and vibration',
  language: 'Language',
  logSummary: '{0} records, {1} not exported · this hour: {2} valid, {3} refused',
  exportCsv: 'Export CSV',
  exportJsonl: 'Export JSON Lines',
  exportNew: 'Only not yet exported',
  clearExported: 'Delete exported records',
  exportedN: 'Exported {0} records (batch {1})',
  clearedN: 'Deleted {0} exported records',
  logFull: 'The log is full (device storage). Scanning stopped so nothing is lost: export the log, then delete exported records.',
  logBroken: 'The log cannot be written ({0}). Scanning stopped so nothing is lost.',
  logResume: 'Log has room again: scanning resumed.',
  ago: '{0} ago',
};

const zh = {
  title: '检查点核验',
  scan: '扫码',
  stop: '关闭相机',
  torch: '补光',
  photo: '照片',
  pasteLabel: '或粘贴码文本',
  check: '核验',
  next: '下一位',
  settings: '设置',
  log: '记录',
  cameraStarting: '正在打开相机…',
  cameraOff: '相机已关闭。点“扫码”、选择照片或粘贴码文本。',
  updateReady: '核验页面的新版本已安装。排队间隙请重新加载。',
  reload: '重新加载',
  cameraDenied: '无法使用相机（{0}）。请用照片或粘贴码文本。',
  scanning: '请将相机对准二维码',
  hint: '尚未识别到二维码：请保持稳定，距离 20–30 厘米，增加光线。',
  valid: '有效',
  refused: '无效',
  statusGreen: '状态：绿码',
  statusYellow: '状态：黄码',
  statusRed: '状态：红码',
  name: '姓名',
  issuer: '签发机构',
  validUntil: '有效期至',
  idCheck: '证件上的号码',
  idMatch: '✓ 证件号码一致',
  idNoMatch: '✗ 证件号码不一致',
  tubeLabel: '采样管条码（扫描或输入）',
  tubeSave: '关联采样管',
  tubeSaved: '已关联采样管 {0}',
  tubeNeeded: '请接着扫描或输入采样管条码',
  r_expired: '已过期 {0}',
  r_not_yet_valid: '尚未生效：{0}后生效',
  r_unknown_issuer: '未知签发机构：不在信任列表中',
  r_invalid_signature: '伪造或被篡改：签名无效',
  r_revoked: '已被签发机构撤销',
  r_malformed: '不是有效的码',
  r_unsupported_version: '不支持的码格式：请更新应用',
  r_issuer_not_allowed: '该机构无权签发此状态',
  r_issuer_key_not_valid: '签发时间不在机构密钥有效期内',
  r_trust_list_expired: '信任列表已过期：请更新',
  r_url: '此二维码是网址，不是健康码',
  r_too_long: '内容过长，不是健康码',
  r_empty: '没有可核验的内容',
  r_no_trust: '未加载信任列表：无法核验',
  w_trust_list_stale: '信任列表已有 {0}：联网时请更新',
  w_trust_list_expired: '信任列表已过期：联网时请更新',
  w_clock_before_trust_list: '设备时间错误：早于信任列表签发时间',
  w_clock_behind: '设备时间似乎慢了 {0}',
  w_clock_jump: '设备时间比上次扫码倒退了 {0}：请检查时间',
  e_too_large: '图片过大（{0} 像素），请使用较小的照片。',
  e_not_found: '图片中未找到二维码。',
  e_unreadable: '看到了二维码但无法读取。请靠近一些、增加光线后重试。',
  e_not_image: '此文件不是可读取的图片。',
  e_bad_dimensions: '无法读取此图片。',
  e_busy: '仍在读取上一张图片。',
  tlNone: '未加载信任列表',
  tlInfo: '信任列表 #{0} · {1} · {2}前签发',
  tlStale: '已过时：超过 {0}。联网时请更新。',
  tlExpired: '已过期 {0}。请更新。',
  tlLoad: '加载信任列表文件',
  tlAccepted: '已接受信任列表 #{0}',
  tlSame: '信任列表 #{0} 已加载',
  tlRollback: '已拒绝：信任列表 #{0} 比已加载的 #{1} 旧',
  tlBad: '已拒绝信任列表：{0}',
  tlRevoked: '已撤销 {0} 个',
  configChanged: '已拒绝配置：它会更改已固定的根密钥。继续使用已固定的密钥。',
  configMissing: '没有配置：核验器尚无根密钥。',
  mode: '记录模式',
  modeTally: '计数（仅统计数量）',
  modeRegistration: '登记（关联采样管）',
  station: '站点编号',
  autoNext: '自动进入下一位（秒，0 = 关闭）',
  staleHours: '信任列表超过多少小时提醒',
  sound: '声音和振动',
  language: '语言',
  logSummary: '共 {0} 条，{1} 条未导出 · 本小时：有效 {2}，无效 {3}',
  exportCsv: '导出 CSV',
  exportJsonl: '导出 JSON Lines',
  exportNew: '仅导出未导出的',
  clearExported: '删除已导出的记录',
  exportedN: '已导出 {0} 条（批次 {1}）',
  clearedN: '已删除 {0} 条已导出的记录',
  logFull: '记录已满（设备存储空间不足）。为避免丢失已停止扫码：请导出记录，然后删除已导出的记录。',
  logBroken: '无法写入记录（{0}）。为避免丢失已停止扫码。',
  logResume: '记录已有空间：已恢复扫码。',
  ago: '{0}前',
};

export const LANGUAGES = { en, 'zh-CN': zh };

/** The language to start with: a saved choice, else the browser's. */
export function pickLanguage(saved, browserLanguages) {
  if (saved && LANGUAGES[saved]) return saved;
  for (const lang of browserLanguages || []) {
    if (/^zh\b/i.test(lang)) return 'zh-CN';
    if (/^en\b/i.test(lang)) return 'en';
  }
  return 'en';
}

/** `t(lang, key, ...args)`: the string with `{0}`, `{1}` … filled in. */
export function t(lang, key, ...args) {
  const table = LANGUAGES[lang] || en;
  const s = table[key] ?? en[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

/** A duration in seconds as a short human text: `3 h`, `2 d`, `45 min`. */
export function duration(lang, secs) {
  const zhUnits = lang === 'zh-CN';
  const s = Math.max(0, Math.round(secs));
  const pick = (n, unitEn, unitZh) => (zhUnits ? `${n} ${unitZh}` : `${n} ${unitEn}`);
  if (s < 90) return pick(s, 's', '秒');
  if (s < 90 * 60) return pick(Math.round(s / 60), 'min', '分钟');
  if (s < 48 * 3600) return pick(Math.round(s / 3600), 'h', '小时');
  return pick(Math.round(s / 86400), 'd', '天');
}
