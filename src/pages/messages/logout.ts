/**
 * Signing out, and the page after it. The words say exactly what each choice does (see
 * src/oidc/pages/logout.ts for what oidc-provider does on each). [zh-CN, en].
 */
export const logout = {
  'logout.title': ['退出登录', 'Sign out'],
  'logout.passing_title': ['正在退出…', 'Signing out…'],
  'logout.passing_body': [
    '这个浏览器中没有通办的登录，正在完成网站的退出请求。',
    'Nobody is signed in to tongban in this browser; finishing the website’s sign-out request.',
  ],
  'logout.passing_continue': ['继续', 'Continue'],
  'logout.who': ['当前以 {name} 登录通办统一身份认证。', 'You are signed in to tongban as {name}.'],
  'logout.from_client': [
    '“{clientName}”请求为您退出登录。请选择退出的范围。',
    '{clientName} has asked to sign you out. Choose what to sign out of.',
  ],
  'logout.question': ['是否退出通办统一身份认证？', 'Do you want to sign out of tongban?'],
  'logout.sites': ['您在这个浏览器中通过通办登录的网站：', 'Websites you are signed in to with tongban in this browser:'],
  'logout.confirm': ['全部退出', 'Sign out everywhere'],
  'logout.confirm_detail': [
    '结束您在通办的登录，并通知上面列出的所有网站为您退出。之后在任何网站办理业务，都需要重新登录。在公共设备上，或者当前登录的不是您本人，请选择此项。',
    'Ends your tongban sign-in and tells every website listed above to sign you out. You will need to sign in again to use any of them. Choose this on a shared device, or if the person signed in is not you.',
  ],
  'logout.confirm_detail_no_sites': [
    '结束您在通办的登录。之后在任何网站办理业务，都需要重新登录。在公共设备上，或者当前登录的不是您本人，请选择此项。',
    'Ends your tongban sign-in. You will need to sign in again to use any website. Choose this on a shared device, or if the person signed in is not you.',
  ],
  'logout.stay': ['保持登录，只退出“{clientName}”', 'Stay signed in, leave only {clientName}'],
  'logout.stay_detail': [
    '只退出“{clientName}”。您在通办的登录保持不变：再次进入接入通办的网站时，不需要重新输入密码。',
    'Signs you out of {clientName} only. Your tongban sign-in stays: you will not need your password again to enter websites connected to tongban.',
  ],
  'logout.stay_others': ['仍保持登录的网站：{sites}。', 'Still signed in: {sites}.'],
  'logout.stay_link': ['保持登录，返回“我的账户”', 'Stay signed in and go back to My account'],
  'logout.stay_link_detail': ['不做任何更改。', 'Changes nothing.'],
  'logout.list_separator': ['、', ', '],

  'logout_success.title': ['您已安全退出', 'You have signed out'],
  'logout_success.body_sites': ['已退出通办统一身份认证，以及以下网站：', 'You have signed out of tongban and of these websites:'],
  'logout_success.body': [
    '已退出通办统一身份认证，以及通过它登录的所有网站。',
    'You have signed out of tongban and of every website you signed in to with it.',
  ],
  'logout_success.shared_device': [
    '如果您使用的是公共设备或他人的设备，请关闭所有浏览器窗口，以免他人看到您打开过的页面。',
    'If you are using a shared device or someone else’s, close every browser window so that nobody can see the pages you opened.',
  ],
  'logout_success.back': ['返回“{clientName}”', 'Back to {clientName}'],
  'logout_success.home': ['前往通办首页', 'Go to the tongban home page'],
  'logout_success.portal_title': ['您已退出“{clientName}”', 'You have left {clientName}'],
  'logout_success.still_signed_in': [
    '您仍以 {name} 登录通办统一身份认证，再次进入接入通办的网站时不需要输入密码。',
    'You are still signed in to tongban as {name}: you will not need your password to enter websites connected to tongban.',
  ],
  'logout_success.still_sites': ['仍保持登录的网站：', 'Still signed in:'],
  'logout_success.shared_device_stay': [
    '如果您使用的是公共设备或他人的设备，请全部退出并关闭浏览器。',
    'If you are using a shared device or someone else’s, sign out everywhere and close the browser.',
  ],
  'logout_success.sign_out_everywhere': ['全部退出', 'Sign out everywhere'],
  'logout_success.signed_in_title': ['您仍处于登录状态', 'You are still signed in'],
} satisfies Record<string, readonly [string, string]>;
