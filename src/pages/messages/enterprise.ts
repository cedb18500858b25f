/** Enterprise sign-in: presenting the electronic business licence. [zh-CN, en]. */
export const enterprise = {
  'enterprise.title': ['法人登录：出示电子营业执照', 'Sign in for an enterprise: present the e-licence'],
  'enterprise.lead': [
    '{person} 将代表企业登录“{clientName}”。请用保存该企业电子营业执照的钱包确认。',
    "{person} will sign in to {clientName} on behalf of an enterprise. Confirm with the wallet holding the enterprise's electronic business licence.",
  ],
  'enterprise.qr_label': ['登录二维码', 'Sign-in QR code'],
  'enterprise.scan': ['请用电子营业执照钱包扫描二维码并确认。', 'Scan the QR code with the e-licence wallet and confirm.'],
  'enterprise.text': [
    '如钱包在本机，请运行：tongban wallet login 加上下面这段文字。',
    'If the wallet is on this computer, run: tongban wallet login followed by this text.',
  ],
  'enterprise.waiting': [
    '等待钱包确认（有效期至 {time} UTC），本页会自动刷新。',
    'Waiting for the wallet (valid until {time} UTC); this page refreshes itself.',
  ],
  'enterprise.check_now': ['立即检查', 'Check now'],
  'enterprise.restart': ['重新生成二维码', 'Make a new QR code'],
  'enterprise.error.expired': ['二维码已过期，请重新生成。', 'The QR code has expired. Make a new one.'],
  'enterprise.error.failed': ['电子营业执照未能通过核验：{reason}', 'The e-licence was not accepted: {reason}'],
} satisfies Record<string, readonly [string, string]>;
