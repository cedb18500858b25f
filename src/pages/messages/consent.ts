/** The consent page and the labels of what a portal asks for. [zh-CN, en]. */
export const consent = {
  'consent.title': ['“{clientName}”请求访问以下信息', '{clientName} is requesting access to the following information'],
  'consent.site': ['网站地址：', 'Website: '],
  'consent.none': [
    '该网站仅需确认您已登录，不会获取您的个人信息。',
    'This portal only needs to know that you are signed in. It receives none of your personal details.',
  ],
  'consent.remember': ['记住我对该网站的授权', 'Remember this decision for this portal'],
  'consent.remember_hint': [
    '下次登录该网站时将不再询问。您可以随时在“我的账户”中撤销授权。',
    "You won't be asked again when you sign in to this portal. You can withdraw it at any time on your account page.",
  ],
  'consent.allow': ['同意并继续', 'Allow and continue'],
  'consent.deny': ['拒绝', 'Deny'],
  'claim.openid': ['您的匿名标识', 'a pseudonymous identifier for this portal'],
  'claim.profile': ['姓名', 'your name'],
  'claim.id_number': ['完整身份证号码', 'your full ID number'],
  'claim.id_number_masked': ['脱敏身份证号', 'your masked ID number'],
  'claim.phone': ['手机号码', 'your mobile phone number'],
  'claim.email': ['电子邮箱', 'your email address'],
  'claim.enterprise': ['企业身份：统一社会信用代码、企业名称、代理人', 'the enterprise you act for'],
  'claim.offline_access': ['在您离线时继续访问', 'access while you are away'],
} satisfies Record<string, readonly [string, string]>;
