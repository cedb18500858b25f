/**
 * 我的证照 on the account page (/account) and its 亮证 pages (src/self-service/pages/my-licences.ts):
 * the citizen's electronic licences, their files, and showing one to a clerk or a website with
 * only the details chosen. Plain words, never a status code. [zh-CN, en].
 */
export const myLicences = {
  'my_licences.title': ['我的证照', 'My licences'],
  'my_licences.hint': [
    '发证机关签发给您的电子证照。您可以下载证照文件，也可以用“亮证”向工作人员或网站出示证照，只给出您选择的内容。',
    'The electronic licences issuing authorities have issued to you. You can download a licence’s file, or show a licence to a clerk or a website with “Show”, giving only the details you choose.',
  ],
  'my_licences.none': [
    '您还没有电子证照。发证机关为您签发电子证照后，会显示在这里。',
    'You have no electronic licences yet. When an issuing authority issues you one, it will appear here.',
  ],
  'my_licences.col.licence': ['证照', 'Licence'],
  'my_licences.col.issuer': ['发证机关', 'Issued by'],
  'my_licences.col.status': ['状态', 'Status'],
  'my_licences.col.validity': ['有效期限', 'Valid'],
  'my_licences.col.actions': ['操作', 'Actions'],
  'my_licences.number': ['编号', 'Number'],
  'my_licences.validity': ['{from}至{until}', '{from} to {until}'],
  'my_licences.status.valid': ['有效', 'Valid'],
  'my_licences.status.not_yet_valid': ['尚未生效', 'Not yet valid'],
  'my_licences.status.suspended': ['已暂停', 'Suspended'],
  'my_licences.status.revoked': ['已撤销', 'Revoked'],
  'my_licences.status.expired': ['已过期', 'Expired'],
  'my_licences.status_reason': ['原因：{reason}', 'Reason: {reason}'],
  'my_licences.download_ofd': ['下载 OFD 文件', 'Download OFD file'],
  'my_licences.download_pdf': ['下载 PDF 文件', 'Download PDF file'],
  'my_licences.download_target': ['（{type}）', ' ({type})'],
  'my_licences.show': ['亮证', 'Show'],
  'my_licences.show_target': ['：{type}', ': {type}'],
  'my_licences.files_hint': [
    'OFD 文件带有发证机关的电子印章，可以交给办事机构核验；PDF 文件便于打印和查看，但不含电子签名。两种文件上的二维码都打开证照的公开核验页面。',
    'The OFD file carries the issuing authority’s electronic seal and can be handed to an office to check; the PDF is easy to print and read but has no electronic signature. The QR code on either opens the licence’s public check page.',
  ],
  'my_licences.not_showable': ['这份证照目前不能出示', 'This licence cannot be shown now'],

  // 亮证: choosing what to show
  'my_licences.share.title': ['亮证：{type}', 'Show a licence: {type}'],
  'my_licences.share.lead': [
    '选择要出示的内容和链接的有效时间，通办会生成一个二维码和链接。对方扫码或打开链接后，只能看到证照类型、发证机关、当前状态、有效期限和您勾选的内容；时间一到，链接就失效。',
    'Choose what to show and how long the link works; tongban then makes a QR code and a link. Whoever scans the code or opens the link sees only the type of licence, the issuing authority, its current status, its validity and what you ticked; when the time is up, the link stops working.',
  ],
  'my_licences.share.claims': ['要出示的内容', 'What to show'],
  'my_licences.share.claims_hint': [
    '只勾选对方确实需要的内容。默认只勾选了姓名（名称）；身份证号等其他内容，需要时再勾选。',
    'Tick only what the other side really needs. Only the name is ticked to begin with; tick the ID number or anything else only when it is needed.',
  ],
  'my_licences.share.ttl': ['链接有效时间', 'How long the link works'],
  'my_licences.share.ttl.60': ['1 分钟', '1 minute'],
  'my_licences.share.ttl.120': ['2 分钟（推荐在窗口当面出示时使用）', '2 minutes (for showing it at a counter)'],
  'my_licences.share.ttl.600': ['10 分钟', '10 minutes'],
  'my_licences.share.ttl.3600': ['1 小时', '1 hour'],
  'my_licences.share.ttl.custom': ['{seconds} 秒', '{seconds} seconds'],
  'my_licences.share.submit': ['生成二维码', 'Make the QR code'],
  'my_licences.share.back': ['返回我的账户', 'Back to my account'],
  'my_licences.share.error.ttl': ['请选择链接的有效时间。', 'Choose how long the link works.'],
  'my_licences.share.error.claims': ['所选内容不在这份证照上，请重新选择。', 'Something you chose is not on this licence: choose again.'],
  'my_licences.share.error.not_valid': [
    '这份证照目前{status}，不能出示。您仍可以下载它的文件。',
    'This licence is {status} now and cannot be shown. You can still download its file.',
  ],

  // 亮证: the QR code and the link
  'my_licences.shown.title': ['亮证二维码', 'QR code for showing your licence'],
  'my_licences.shown.lead': [
    '请对方扫描下面的二维码，或把链接发给对方。对方看到的内容如下。',
    'Let the other side scan the QR code below, or send them the link. This is what they will see.',
  ],
  'my_licences.shown.qr_alt': ['亮证二维码：{type}', 'QR code showing your licence: {type}'],
  'my_licences.shown.link': ['链接', 'Link'],
  'my_licences.shown.link_hint': [
    '持有这个链接的人在有效时间内都能看到下面的内容，请只发给需要的人。',
    'Anyone with this link can see what is listed below until it stops working: send it only to whoever needs it.',
  ],
  'my_licences.shown.expires': ['此链接将于 {time}（北京时间）失效。', 'The link stops working at {time} (China Standard Time).'],
  'my_licences.shown.time_left': ['剩余时间：{left}', 'Time left: {left}'],
  'my_licences.shown.claims': ['对方能看到的内容', 'What they will see'],
  'my_licences.shown.claims_always': [
    '证照类型、发证机关、当前状态和有效期限，以及：',
    'The type of licence, the issuing authority, its current status and validity, and:',
  ],
  'my_licences.shown.claims_none': ['（没有选择其他内容）', '(nothing else chosen)'],
  'my_licences.shown.end': ['停止出示', 'Stop showing'],
  'my_licences.shown.end_hint': ['停止后，链接立即失效。', 'Once stopped, the link stops working at once.'],
  'my_licences.shown.expired': [
    '这个链接已于 {time}（北京时间）失效，对方不能再看到证照内容。',
    'This link stopped working at {time} (China Standard Time): the licence can no longer be seen through it.',
  ],
  'my_licences.shown.ended': [
    '您已于 {time}（北京时间）停止出示，链接已失效。',
    'You stopped showing it at {time} (China Standard Time): the link no longer works.',
  ],
  'my_licences.shown.again': ['再次亮证', 'Show it again'],
  'my_licences.shown.ended_flash': ['已停止出示，链接已失效。', 'Stopped: the link no longer works.'],

  // openings
  'my_licences.openings': ['查看记录', 'Who opened it'],
  'my_licences.openings_hint': [
    '每次有人打开亮证链接都会记录在这里：时间、网络地址（部分隐去）和浏览器类型。',
    'Each time someone opens a link you showed a licence with, it is listed here: the time, the network address (partly hidden) and the kind of browser.',
  ],
  'my_licences.openings.none': ['还没有人打开这个链接。', 'Nobody has opened this link yet.'],
  'my_licences.openings.time': ['时间', 'Time'],
  'my_licences.openings.ip': ['网络地址', 'Network address'],
  'my_licences.openings.browser': ['浏览器', 'Browser'],
  'my_licences.openings.outcome': ['结果', 'Result'],
  'my_licences.openings.shown': ['看到了证照内容', 'Saw the licence'],
  'my_licences.openings.expired': ['链接已过期，未显示内容', 'Link had expired: nothing shown'],
  'my_licences.openings.ended': ['已停止出示，未显示内容', 'You had stopped showing it: nothing shown'],
  'my_licences.openings.more': ['（只记录前 {count} 次）', '(only the first {count} are recorded)'],
  'my_licences.browser.unknown': ['未知', 'Unknown'],
  'my_licences.browser.other': ['其他', 'Other'],

  // recent shares on the account page
  'my_licences.shares': ['最近的亮证', 'Recently shown'],
  'my_licences.shares.none': ['您还没有出示过证照。', 'You have not shown a licence yet.'],
  'my_licences.shares.col.when': ['出示时间', 'Shown at'],
  'my_licences.shares.col.licence': ['证照', 'Licence'],
  'my_licences.shares.col.claims': ['出示的内容', 'Details shown'],
  'my_licences.shares.col.state': ['链接', 'Link'],
  'my_licences.shares.col.openings': ['打开次数', 'Opened'],
  'my_licences.shares.state.open': ['有效，至 {time}', 'Works until {time}'],
  'my_licences.shares.state.expired': ['已失效', 'Expired'],
  'my_licences.shares.state.ended': ['已停止', 'Stopped'],
  'my_licences.shares.openings': ['{count} 次', '{count} times'],
  'my_licences.shares.openings.one': ['{count} 次', 'once'],
  'my_licences.shares.details': ['查看', 'Details'],
  'my_licences.shares.details_target': ['：{time} 的亮证', ' of the showing at {time}'],
  'my_licences.shares.not_found': ['没有找到这次亮证。', 'This showing was not found.'],
  'my_licences.not_found': ['没有找到这份证照。', 'This licence was not found.'],
  'my_licences.file_failed': [
    '暂时无法生成这份证照的文件，请稍后再试。',
    'The licence’s file cannot be made just now: please try again later.',
  ],
  'my_licences.file_font': [
    '这份证照的 PDF 文件无法显示其中的个别汉字，请下载 OFD 文件。',
    'The PDF cannot print some characters of this licence: download the OFD file instead.',
  ],
} as const satisfies Record<string, readonly [string, string]>;
