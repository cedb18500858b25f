/** The consent page and the labels of what a website asks for. [zh-CN, en]. */
export const consent = {
  'consent.title': ['“{clientName}”请求获取以下信息', '{clientName} is asking for the following information'],
  'consent.site': ['网站地址：', 'Website: '],
  'consent.none': [
    '该网站只需要确认您已登录，不会获取您的个人信息。',
    'This website only needs to know that you are signed in. It receives none of your personal details.',
  ],
  'consent.remember': ['记住我对该网站的授权', 'Remember my decision for this website'],
  'consent.remember_hint': [
    '勾选后，下次登录该网站时不再询问。您可以随时在“我的账户”中撤销。在公共设备上请不要勾选。',
    'If you tick this, you will not be asked again when you sign in to this website. You can withdraw it at any time on your account page. Do not tick it on a shared device.',
  ],
  'consent.allow': ['同意并继续', 'Allow and continue'],
  'consent.deny': ['拒绝', 'Deny'],
  'session.signed_in_as': ['当前以 {name} 登录', 'Signed in as {name}'],
  'session.acting_for': ['（代表“{enterprise}”）', ' (acting for {enterprise})'],
  'session.not_you': ['不是您？', 'Not you?'],
  'session.not_you_hint': [
    '退出 {name} 的登录（包括通过通办登录的所有网站），然后用您自己的账户重新登录。',
    'Signs {name} out (of tongban and every website signed in with it), then lets you sign in with your own account.',
  ],
  'claim.openid': [
    '确认您的身份（该网站会得到一个代表您的编号；其他业务领域的网站得到的编号不同，无法用它认出您）',
    'Confirm who you are (the website gets a number that stands for you; websites in other fields get different numbers and cannot use it to recognise you)',
  ],
  'claim.profile': ['姓名', 'your name'],
  'claim.id_number': ['完整身份证号码', 'your full ID number'],
  'claim.id_number_masked': ['身份证号（部分数字遮盖）', 'your ID number, partly hidden'],
  'claim.phone': ['手机号码', 'your mobile phone number'],
  'claim.email': ['电子邮箱', 'your email address'],
  'claim.enterprise': [
    '您代表的企业：统一社会信用代码、企业名称、经办人',
    'the enterprise you act for: its credit code, its name and who is acting',
  ],
  'scope.licences': [
    '查看您的电子证照（证照内容与证照文件），并替您生成亮证二维码',
    'see your electronic licences (their contents and files) and make share QR codes for you',
  ],
  'scope.account': [
    '管理您在通办的账户设置（例如授权企业经办人）',
    'manage your tongban account settings (for example, the agents you allow to act for an enterprise)',
  ],
  'scope.other': ['通办的其他接口权限', 'other access to tongban’s interfaces'],
  'claim.offline_access': [
    '在您退出后继续获取上述信息，直到您在“我的账户”中撤销',
    'keep receiving this information after you sign out, until you withdraw it on your account page',
  ],
} satisfies Record<string, readonly [string, string]>;
