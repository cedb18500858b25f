/** Enterprise sign-in: the QR code first, then the person; every state in words. [zh-CN, en]. */
export const enterprise = {
  'enterprise.title': ['法人登录', 'Sign in for an enterprise'],
  'enterprise.lead': [
    '用企业的电子营业执照扫码登录“{clientName}”，以企业身份办事。',
    "Scan with the enterprise's electronic business licence to sign in to {clientName} on its behalf.",
  ],
  'enterprise.steps_label': ['登录步骤', 'Steps'],
  'enterprise.step_scan': ['用保存本企业电子营业执照的钱包扫码。', "Scan the code with the wallet holding the enterprise's e-licence."],
  'enterprise.step_confirm': ['在钱包中确认登录。', 'Confirm in the wallet.'],
  'enterprise.step_person': [
    '以本人身份登录：您须是该企业的法定代表人或经办人。',
    'Sign in as yourself: you must be its legal representative or an agent.',
  ],
  'enterprise.step_person_known': ['{person} 随即代表企业登录。', '{person} is then signed in for the enterprise.'],
  'enterprise.qr_label': ['登录二维码', 'Sign-in QR code'],
  'enterprise.expiry': ['二维码 {time} 失效（北京时间），', 'The QR code expires at {time} (Beijing time): '],
  'enterprise.time_left': ['还剩 {left}', '{left} left'],
  'enterprise.waiting': [
    '正在等待钱包确认。钱包确认后，本页会自动继续。',
    'Waiting for the wallet. Once it has answered, this page continues by itself.',
  ],
  'enterprise.check_now': ['立即检查', 'Check now'],
  'enterprise.scan_safety': [
    '只扫描在通办登录页上看到的二维码：通办不会通过短信、微信或邮件发送登录二维码，也不要替别人扫码。',
    'Only scan a QR code you see on the tongban sign-in page: tongban never sends sign-in QR codes by SMS, WeChat or e-mail. Never scan one for someone else.',
  ],
  'enterprise.last_refusal': [
    '钱包刚才的确认未通过：{reason}处理后可用同一个二维码再试。',
    "The wallet's last answer was not accepted: {reason} Once that is dealt with, the same QR code can be used again.",
  ],
  'enterprise.developer': ['开发者', 'For developers'],
  'enterprise.developer_command': [
    '钱包（tongban wallet）在本机时，可在终端运行：',
    'With the wallet (tongban wallet) on this computer, run in a terminal:',
  ],
  'enterprise.developer_text': [
    '二维码的内容（一次性使用，{time} 失效，北京时间）：',
    "The QR code's content (for one use; expires at {time}, Beijing time):",
  ],
  'enterprise.restart': ['获取新的二维码', 'Get a new QR code'],
  'enterprise.other_licence': ['用其他企业的电子营业执照登录', "Use another enterprise's licence"],
  'enterprise.expired_title': ['二维码已失效', 'The QR code has expired'],
  'enterprise.error.expired': [
    '二维码的有效期为 5 分钟，已经过期。请获取新的二维码，再用钱包扫码。',
    'A QR code is valid for 5 minutes, and this one has expired. Get a new one and scan it with the wallet.',
  ],
  'enterprise.error.hold_expired': [
    '钱包已确认，但本人登录没有在 5 分钟内完成，这次确认已失效。请获取新的二维码，重新扫码。',
    'The wallet answered, but nobody signed in within 5 minutes, so its answer has lapsed. Get a new QR code and scan again.',
  ],
  'enterprise.error.failed': [
    '这个二维码已停止使用：钱包的确认多次未通过。最近一次的原因：{reason}',
    "This QR code can no longer be used: the wallet's answers were refused several times. The last reason: {reason}",
  ],
  'enterprise.error.not_authorised': [
    '{person} 不是“{enterprise}”的法定代表人，也不是其授权的经办人，不能代表该企业登录。',
    '{person} is neither the legal representative of {enterprise} nor an agent they authorised, and cannot sign in on its behalf.',
  ],
  'enterprise.not_authorised_next': [
    '如需代表该企业办事，请该企业的法定代表人先为您授权（添加为经办人），再重新登录；或请法定代表人、已授权的经办人本人登录。',
    'To act for this enterprise, ask its legal representative to make you an agent first, then sign in again; or have the legal representative or an agent sign in themselves.',
  ],
  'enterprise.error.licence_gone': [
    '“{enterprise}”的电子营业执照在您登录期间已被吊销、暂停或已过期，不能再用于登录。',
    'The electronic business licence of {enterprise} was revoked, suspended or expired while you were signing in, and can no longer be used.',
  ],
  // Why the wallet's answer was refused (the service's error codes, in words).
  'enterprise.reason.certificate_revoked': [
    '这份电子营业执照已被吊销或暂停使用。',
    'This electronic business licence has been revoked or suspended.',
  ],
  'enterprise.reason.certificate_expired': [
    '这份电子营业执照已过期（或尚未生效）。',
    'This electronic business licence has expired (or is not valid yet).',
  ],
  'enterprise.reason.certificate_invalid': [
    '这份电子营业执照无法核验：它不是由本平台签发的，或已损坏。',
    'This electronic business licence cannot be checked: this service did not issue it, or it is damaged.',
  ],
  'enterprise.reason.signature_invalid': [
    '钱包的签名与电子营业执照不符。',
    "The wallet's signature does not match the electronic business licence.",
  ],
  'enterprise.reason.malformed_answer': ['钱包发来的内容不是有效的确认。', "The wallet's answer is not a valid confirmation."],
  'enterprise.reason.challenge_mismatch': [
    '钱包确认的不是这个二维码，或钱包所在电脑的时钟不准。',
    "The wallet answered another QR code, or the clock of the wallet's computer is wrong.",
  ],
  'enterprise.reason.uscc_mismatch': [
    '确认的企业与电子营业执照上的企业不一致。',
    'The enterprise confirmed is not the one on the electronic business licence.',
  ],
  'enterprise.reason.enterprise_inactive': [
    '该企业在登记机关的状态不是“存续”（例如已注销、被吊销或被暂停）。',
    'The enterprise is not active in the register (for example: dissolved, struck off or suspended).',
  ],
  'enterprise.reason.not_authorised': [
    '登录的人不是该企业的法定代表人，也不是其授权的经办人。',
    "The person signed in is neither the enterprise's legal representative nor an agent it authorised.",
  ],
  'enterprise.reason.try_later': [
    '暂时无法查询电子营业执照的状态，请稍后再试。',
    "The licence's status cannot be checked just now. Try again shortly.",
  ],
  'enterprise.reason.other': ['电子营业执照未能通过核验。', 'The electronic business licence was not accepted.'],
} satisfies Record<string, readonly [string, string]>;
