/**
 * The home page's entry to the public check of an electronic licence (src/site): a licence number
 * goes to its check page /v/{number}, the page a licence file's QR code opens. [zh-CN, en].
 */
export const homeLicence = {
  'home_licence.title': ['核验电子证照', 'Check an electronic licence'],
  'home_licence.body': [
    '输入电子证照上的证照编号，查看这份证照是否由发证机关通过通办签发、现在是否有效。',
    'Enter the licence number printed on an electronic licence to see whether an issuing authority issued it through tongban and whether it is valid now.',
  ],
  'home_licence.label': ['证照编号', 'Licence number'],
  'home_licence.hint': [
    '以 1.2.156.3005.2. 开头，例如 1.2.156.3005.2.11100000000013127D901.11350100MB0D345794.7.001.B',
    'It starts with 1.2.156.3005.2., for example 1.2.156.3005.2.11100000000013127D901.11350100MB0D345794.7.001.B',
  ],
  'home_licence.submit': ['核验', 'Check'],
  'home_licence.qr': [
    '证照文件（OFD 或 PDF）上的二维码打开的也是这个核验页面，用手机扫码即可。',
    'The QR code on a licence file (OFD or PDF) opens the same check page: scan it with a phone.',
  ],
  'home_licence.error.empty': ['请输入证照编号。', 'Enter a licence number.'],
  'home_licence.error.malformed': [
    '这不是有效的电子证照编号，请核对后重新输入（可能抄错了某一位，或缺少了一部分）。',
    'This is not a valid electronic licence number: check it and enter it again (a character may be mistyped, or a part missing).',
  ],
} as const satisfies Record<string, readonly [string, string]>;
