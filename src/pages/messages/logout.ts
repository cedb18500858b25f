/** Signing out, and the page after it. [zh-CN, en]. */
export const logout = {
  'logout.title': ['退出登录', 'Sign out'],
  'logout.question': [
    '退出通办统一身份认证？这也会退出您已登录的所有政务网站。',
    'Sign out of tongban? This also signs you out of every government portal you used with it.',
  ],
  'logout.from_client': ['“{clientName}”请求为您退出登录。', '{clientName} has asked to sign you out.'],
  'logout.confirm': ['退出登录', 'Sign out'],
  'logout.stay': ['保持登录', 'Stay signed in'],
  'logout_success.title': ['您已退出登录', 'You have signed out'],
  'logout_success.body': [
    '您已安全退出通办统一身份认证及通过其登录的政务网站。',
    'You have signed out of tongban and of the government portals you used with it.',
  ],
  'logout_success.from_client': ['您已退出“{clientName}”。', 'You have signed out of {clientName}.'],
  'logout_success.shared_device': ['如您使用的是公共设备，请关闭浏览器。', 'If you are using a shared device, close the browser.'],
} satisfies Record<string, readonly [string, string]>;
