/**
 * The message catalogue of the sign-in pages, shared with the controllers (flash texts, claim
 * labels, error texts). zh-CN is complete and is the fallback; every key has an English text too.
 * Texts are plain text: whoever renders them escapes them.
 */
export type Lang = 'zh-CN' | 'en';

export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A suggested cookie name for a remembered language choice (the pages themselves set nothing). */
export const LANG_COOKIE = 'tongban_lang';

const zh: Record<string, string> = {
  // Frame
  'service.name': '通办 · 统一身份认证',
  'service.title': '通办统一身份认证',
  'lang.switch': 'English',
  'title.error_prefix': '错误：',
  'footer.security': '请妥善保管您的密码和动态验证码，切勿告知他人。',
  'common.cancel_return': '取消，返回 {clientName}',
  'error.csrf': '页面已过期，请重新提交。',

  // Login
  'login.title': '登录',
  'login.lead': '登录后将继续访问“{clientName}”。',
  'login.id_number': '身份证号',
  'login.id_number_hint': '18 位居民身份证号码，末位 X 不区分大小写。',
  'login.password': '密码',
  'login.submit': '登录',
  'login.loa2': '该网站要求较高的安全等级：输入密码后，还需输入验证器应用中的动态验证码。',
  'login.no_account': '还没有账户？',
  'login.register': '注册账户',
  'tabs.label': '登录方式',
  'tabs.citizen': '个人登录',
  'tabs.enterprise': '法人登录（电子营业执照）',
  'login.enterprise_first': '法人登录分两步：先以本人身份登录，再用电子营业执照确认您代表的企业。',
  'enterprise.title': '法人登录：出示电子营业执照',
  'enterprise.lead': '{person} 将代表企业登录“{clientName}”。请用保存该企业电子营业执照的钱包确认。',
  'enterprise.qr_label': '登录二维码',
  'enterprise.scan': '请用电子营业执照钱包扫描二维码并确认。',
  'enterprise.text': '如钱包在本机，请运行：tongban wallet login 加上下面这段文字。',
  'enterprise.waiting': '等待钱包确认（有效期至 {time} UTC），本页会自动刷新。',
  'enterprise.check_now': '立即检查',
  'enterprise.restart': '重新生成二维码',
  'enterprise.error.expired': '二维码已过期，请重新生成。',
  'enterprise.error.failed': '电子营业执照未能通过核验：{reason}',
  'login.error.invalid': '身份证号或密码不正确，请检查后重新输入。',
  'login.error.locked': '该身份证号登录失败次数过多，已暂时限制登录，请 {minutes} 分钟后再试。',
  'login.error.locked_later': '该身份证号登录失败次数过多，已暂时限制登录，请稍后再试。',
  'login.error.rate_limited': '您所在网络的登录尝试过于频繁，请 {minutes} 分钟后再试。',
  'login.error.rate_limited_later': '您所在网络的登录尝试过于频繁，请稍后再试。',
  'login.error.csrf': '页面已过期，请重新输入并提交。',
  'login.error.expired': '本次登录请求已过期。请返回“{clientName}”，重新发起登录。',

  // Second factor
  'otp.title': '两步验证',
  'otp.lead': '账户 {account} 已开启两步验证。请打开验证器应用，输入其中显示的 6 位动态验证码。',
  'otp.code': '动态验证码',
  'otp.code_hint': '6 位数字，每 30 秒更新一次。',
  'otp.submit': '验证',
  'otp.error.invalid_code': '动态验证码不正确或已过期，请输入应用中当前显示的验证码。',

  // Consent
  'consent.title': '“{clientName}”请求访问以下信息',
  'consent.site': '网站地址：',
  'consent.none': '该网站仅需确认您已登录，不会获取您的个人信息。',
  'consent.remember': '记住我对该网站的授权',
  'consent.remember_hint': '下次登录该网站时将不再询问。您可以随时在“我的账户”中撤销授权。',
  'consent.allow': '同意并继续',
  'consent.deny': '拒绝',

  // Logout
  'logout.title': '退出登录',
  'logout.question': '退出通办统一身份认证？这也会退出您已登录的所有政务网站。',
  'logout.from_client': '“{clientName}”请求为您退出登录。',
  'logout.confirm': '退出登录',
  'logout.stay': '保持登录',
  'logout_success.title': '您已退出登录',
  'logout_success.body': '您已安全退出通办统一身份认证及通过其登录的政务网站。',
  'logout_success.from_client': '您已退出“{clientName}”。',
  'logout_success.shared_device': '如您使用的是公共设备，请关闭浏览器。',

  // Errors
  'error.title': '出错了',
  'error.code': '错误代码：{code}',
  'error.back': '返回',
  'error.generic': '处理您的请求时出现问题，请稍后再试。',
  'error.not_found': '您访问的页面不存在或已失效。',
  'error.interaction_expired': '本次登录请求已过期或已完成。请返回您正在办理业务的网站，重新发起登录。',
  'error.expired': '本次登录请求已过期或已完成。请返回您正在办理业务的网站，重新发起登录。',
  'error.unknown_prompt': '无法继续处理本次登录请求。请返回您正在办理业务的网站，重新发起登录。',

  // Account
  'account.title': '我的账户',
  'account.profile': '个人信息',
  'account.name': '姓名',
  'account.id_number': '身份证号',
  'account.password': '修改密码',
  'account.current_password': '当前密码',
  'account.new_password': '新密码',
  'account.new_password_hint': '请设置不易被猜到的密码，避免使用生日、姓名、证件号码等个人信息。',
  'account.new_password_confirm': '确认新密码',
  'account.password_submit': '修改密码',
  'account.totp': '两步验证',
  'account.totp_status_on': '已开启',
  'account.totp_status_off': '未开启',
  'account.totp_on': '登录时，除密码外还需输入验证器应用中的动态验证码。',
  'account.totp_off': '开启后，登录时除密码外还需输入手机验证器应用中的动态验证码，能更好地保护您的账户。',
  'account.totp_start': '开启两步验证',
  'account.totp_disable_code': '动态验证码',
  'account.totp_disable_hint': '如需关闭，请输入验证器应用中当前显示的动态验证码。',
  'account.totp_disable': '关闭两步验证',
  'account.totp_step_scan': '第一步：使用验证器应用扫描下方二维码。',
  'account.totp_qr_alt': '用于在验证器应用中添加本账户的二维码',
  'account.totp_manual': '无法扫描时，可在应用中手动输入以下密钥：',
  'account.totp_step_confirm': '第二步：输入应用中显示的 6 位动态验证码，完成开启。',
  'account.totp_confirm_code': '动态验证码',
  'account.totp_confirm': '确认开启',
  'account.consents': '已授权的网站',
  'account.consents_hint': '撤销后，该网站再次需要您的信息时，将重新征得您的同意。',
  'account.consents_none': '您目前没有授权任何网站。',
  'account.consent_portal': '网站',
  'account.consent_items': '授权信息',
  'account.consent_date': '授权日期',
  'account.consent_action': '操作',
  'account.withdraw': '撤销授权',
  'account.withdraw_target': '：{clientName}',
  'account.list_separator': '、',
  'account.logout': '退出登录',

  // Registration
  'register.title': '注册账户',
  'register.lead': '请使用本人居民身份证信息注册。',
  'register.id_number': '身份证号',
  'register.name': '姓名',
  'register.name_hint': '请与居民身份证上的姓名保持一致。',
  'register.password': '设置密码',
  'register.password_hint': '请设置不易被猜到的密码，避免使用生日、姓名、证件号码等个人信息。',
  'register.password_confirm': '确认密码',
  'register.submit': '注册',
  'register.have_account': '已有账户？',
  'register.login': '返回登录',
  'register.error.id_number_invalid': '身份证号格式不正确，请检查后重新输入。',
  'register.error.identity_mismatch': '身份信息核验未通过，请确认身份证号与姓名是否一致。',
  'register.error.unavailable': '无法使用该身份信息注册。如您已注册，请直接登录。',
  'register.error.passwords_differ': '两次输入的密码不一致。',
  'register.error.weak_password': '密码太容易被猜到，请换一个更复杂的密码。',
  'register.error.rate_limited': '您所在网络的注册尝试过于频繁，请稍后再试。',

  // Claims (consent page and account page)
  'claim.openid': '您的匿名标识',
  'claim.profile': '姓名',
  'claim.id_number': '完整身份证号码',
  'claim.id_number_masked': '脱敏身份证号',
  'claim.phone': '手机号码',
  'claim.email': '电子邮箱',
  'claim.enterprise': '企业身份：统一社会信用代码、企业名称、代理人',
  'claim.offline_access': '在您离线时继续访问',

  // Flash messages (account page)
  'flash.password_changed': '密码已修改。',
  'flash.totp_enabled': '两步验证已开启。',
  'flash.totp_disabled': '两步验证已关闭。',
  'flash.consent_withdrawn': '授权已撤销。',
  'flash.consent_withdrawn_named': '已撤销对“{clientName}”的授权。',
  'flash.wrong_password': '当前密码不正确。',
  'flash.passwords_differ': '两次输入的新密码不一致。',
  'flash.invalid_code': '动态验证码不正确或已过期。',
  'flash.weak_password': '新密码太容易被猜到，请换一个更复杂的密码。',
  'flash.csrf': '页面已过期，请重新操作。',
  'flash.registered': '注册成功，请登录。',
};

const en: Record<string, string> = {
  'service.name': 'tongban · Unified Identity',
  'service.title': 'tongban Unified Identity',
  'lang.switch': '中文',
  'title.error_prefix': 'Error: ',
  'footer.security': 'Never share your password or one-time codes with anyone.',
  'common.cancel_return': 'Cancel and return to {clientName}',
  'error.csrf': 'This page has expired. Please try again.',

  'login.title': 'Sign in',
  'login.lead': 'Sign in to continue to {clientName}.',
  'login.id_number': 'ID number',
  'login.id_number_hint': 'The 18 characters of your resident identity card number. A final X may be upper or lower case.',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.loa2':
    'This portal requires extra security: after your password, you will be asked for a one-time code from your authenticator app.',
  'login.no_account': 'No account yet?',
  'login.register': 'Register',
  'tabs.label': 'How to sign in',
  'tabs.citizen': 'Personal',
  'tabs.enterprise': 'For an enterprise (e-licence)',
  'login.enterprise_first':
    'Signing in for an enterprise takes two steps: first sign in as yourself, then confirm the enterprise with its electronic business licence.',
  'enterprise.title': 'Sign in for an enterprise: present the e-licence',
  'enterprise.lead':
    "{person} will sign in to {clientName} on behalf of an enterprise. Confirm with the wallet holding the enterprise's electronic business licence.",
  'enterprise.qr_label': 'Sign-in QR code',
  'enterprise.scan': 'Scan the QR code with the e-licence wallet and confirm.',
  'enterprise.text': 'If the wallet is on this computer, run: tongban wallet login followed by this text.',
  'enterprise.waiting': 'Waiting for the wallet (valid until {time} UTC); this page refreshes itself.',
  'enterprise.check_now': 'Check now',
  'enterprise.restart': 'Make a new QR code',
  'enterprise.error.expired': 'The QR code has expired. Make a new one.',
  'enterprise.error.failed': 'The e-licence was not accepted: {reason}',
  'login.error.invalid': 'The ID number or password is incorrect. Check them and try again.',
  'login.error.locked': 'Too many failed attempts for this ID number. Try again in {minutes} minutes.',
  'login.error.locked.one': 'Too many failed attempts for this ID number. Try again in 1 minute.',
  'login.error.locked_later': 'Too many failed attempts for this ID number. Try again later.',
  'login.error.rate_limited': 'Too many sign-in attempts from your network. Try again in {minutes} minutes.',
  'login.error.rate_limited.one': 'Too many sign-in attempts from your network. Try again in 1 minute.',
  'login.error.rate_limited_later': 'Too many sign-in attempts from your network. Try again later.',
  'login.error.csrf': 'This form has expired. Please enter your details again.',
  'login.error.expired': 'This sign-in request has expired. Return to {clientName} and start again.',

  'otp.title': 'Two-step sign-in',
  'otp.lead': 'Two-step sign-in is on for {account}. Open your authenticator app and enter the 6-digit code it shows.',
  'otp.code': 'One-time code',
  'otp.code_hint': '6 digits. It changes every 30 seconds.',
  'otp.submit': 'Verify',
  'otp.error.invalid_code': 'The code is incorrect or has expired. Enter the code your app shows now.',

  'consent.title': '{clientName} is requesting access to the following information',
  'consent.site': 'Website: ',
  'consent.none': 'This portal only needs to know that you are signed in. It receives none of your personal details.',
  'consent.remember': 'Remember this decision for this portal',
  'consent.remember_hint':
    "You won't be asked again when you sign in to this portal. You can withdraw it at any time on your account page.",
  'consent.allow': 'Allow and continue',
  'consent.deny': 'Deny',

  'logout.title': 'Sign out',
  'logout.question': 'Sign out of tongban? This also signs you out of every government portal you used with it.',
  'logout.from_client': '{clientName} has asked to sign you out.',
  'logout.confirm': 'Sign out',
  'logout.stay': 'Stay signed in',
  'logout_success.title': 'You have signed out',
  'logout_success.body': 'You have signed out of tongban and of the government portals you used with it.',
  'logout_success.from_client': 'You have signed out of {clientName}.',
  'logout_success.shared_device': 'If you are using a shared device, close the browser.',

  'error.title': 'Something went wrong',
  'error.code': 'Error code: {code}',
  'error.back': 'Go back',
  'error.generic': 'We could not process your request. Please try again later.',
  'error.not_found': 'The page you are looking for does not exist or is no longer valid.',
  'error.interaction_expired':
    'This sign-in request has expired or was already completed. Go back to the portal you were using and sign in again.',
  'error.expired': 'This sign-in request has expired or was already completed. Go back to the portal you were using and sign in again.',
  'error.unknown_prompt': 'This sign-in request cannot be continued. Go back to the portal you were using and sign in again.',

  'account.title': 'Your account',
  'account.profile': 'Your details',
  'account.name': 'Name',
  'account.id_number': 'ID number',
  'account.password': 'Change your password',
  'account.current_password': 'Current password',
  'account.new_password': 'New password',
  'account.new_password_hint': 'Choose a password that is hard to guess. Avoid birthdays, names and ID numbers.',
  'account.new_password_confirm': 'Confirm new password',
  'account.password_submit': 'Change password',
  'account.totp': 'Two-step sign-in',
  'account.totp_status_on': 'On',
  'account.totp_status_off': 'Off',
  'account.totp_on': 'When you sign in, you enter a one-time code from your authenticator app after your password.',
  'account.totp_off':
    'Turn it on to better protect your account: when you sign in, you will also enter a one-time code from an authenticator app on your phone.',
  'account.totp_start': 'Turn on two-step sign-in',
  'account.totp_disable_code': 'One-time code',
  'account.totp_disable_hint': 'To turn it off, enter the code your authenticator app shows now.',
  'account.totp_disable': 'Turn off two-step sign-in',
  'account.totp_step_scan': 'Step 1: scan this QR code with your authenticator app.',
  'account.totp_qr_alt': 'QR code for adding this account to your authenticator app',
  'account.totp_manual': "If you can't scan it, enter this key in the app instead:",
  'account.totp_step_confirm': 'Step 2: enter the 6-digit code the app shows to finish.',
  'account.totp_confirm_code': 'One-time code',
  'account.totp_confirm': 'Turn on',
  'account.consents': 'Portals you have authorised',
  'account.consents_hint': 'If you withdraw, the portal has to ask for your permission again the next time it needs your information.',
  'account.consents_none': 'You have not authorised any portals.',
  'account.consent_portal': 'Portal',
  'account.consent_items': 'Information shared',
  'account.consent_date': 'Authorised on',
  'account.consent_action': 'Action',
  'account.withdraw': 'Withdraw',
  'account.withdraw_target': ' access for {clientName}',
  'account.list_separator': ', ',
  'account.logout': 'Sign out',

  'register.title': 'Create an account',
  'register.lead': 'Register with the details on your own resident identity card.',
  'register.id_number': 'ID number',
  'register.name': 'Full name',
  'register.name_hint': 'As shown on your resident identity card.',
  'register.password': 'Password',
  'register.password_hint': 'Choose a password that is hard to guess. Avoid birthdays, names and ID numbers.',
  'register.password_confirm': 'Confirm password',
  'register.submit': 'Register',
  'register.have_account': 'Already registered?',
  'register.login': 'Sign in',
  'register.error.id_number_invalid': 'That is not a valid ID number. Check it and try again.',
  'register.error.identity_mismatch': 'We could not verify your identity. Check that the ID number and name match your identity card.',
  'register.error.unavailable': 'You cannot register with these details. If you have already registered, sign in instead.',
  'register.error.passwords_differ': 'The passwords do not match.',
  'register.error.weak_password': 'That password is too easy to guess. Choose a stronger one.',
  'register.error.rate_limited': 'Too many registration attempts from your network. Try again later.',

  'claim.openid': 'a pseudonymous identifier for this portal',
  'claim.profile': 'your name',
  'claim.id_number': 'your full ID number',
  'claim.id_number_masked': 'your masked ID number',
  'claim.phone': 'your mobile phone number',
  'claim.email': 'your email address',
  'claim.enterprise': 'the enterprise you act for',
  'claim.offline_access': 'access while you are away',

  'flash.password_changed': 'Your password has been changed.',
  'flash.totp_enabled': 'Two-step sign-in is now on.',
  'flash.totp_disabled': 'Two-step sign-in is now off.',
  'flash.consent_withdrawn': 'Access withdrawn.',
  'flash.consent_withdrawn_named': 'You have withdrawn access for {clientName}.',
  'flash.wrong_password': 'Your current password is incorrect.',
  'flash.passwords_differ': 'The new passwords do not match.',
  'flash.invalid_code': 'The one-time code is incorrect or has expired.',
  'flash.weak_password': 'That password is too easy to guess. Choose a stronger one.',
  'flash.csrf': 'This page had expired. Please try again.',
  'flash.registered': 'Registration complete. You can now sign in.',
};

export const messages: Record<Lang, Record<string, string>> = { 'zh-CN': zh, en };

function lookup(lang: Lang, key: string): string | undefined {
  const own = messages[lang];
  if (own && Object.prototype.hasOwnProperty.call(own, key)) return own[key];
  const fallback = messages['zh-CN'];
  if (Object.prototype.hasOwnProperty.call(fallback, key)) return fallback[key];
  return undefined;
}

/**
 * The text for `key` in `lang`, falling back to zh-CN and then to the key itself. `{name}`
 * placeholders are replaced by `vars.name`; a placeholder without a value is left as it is.
 */
export function t(lang: Lang, key: string, vars?: Record<string, string | number>): string {
  const text = lookup(lang, key) ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}

/**
 * Like `t` with a count `{minutes}`-style variable: uses `key.one` when `n` is 1 and the
 * language has such a form (English does; Chinese needs none).
 */
export function tCount(lang: Lang, key: string, varName: string, n: number): string {
  const oneKey = `${key}.one`;
  const useOne = n === 1 && Object.prototype.hasOwnProperty.call(messages[lang] ?? {}, oneKey);
  return t(lang, useOne ? oneKey : key, { [varName]: n });
}

/** 'en', 'en-US', 'EN' → 'en'; 'zh', 'zh-CN', 'zh-Hans-CN' → 'zh-CN'; anything else → undefined. */
export function parseLang(value: unknown): Lang | undefined {
  if (Array.isArray(value)) value = value[0];
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'en' || v.startsWith('en-') || v.startsWith('en_')) return 'en';
  if (v === 'zh' || v.startsWith('zh-') || v.startsWith('zh_')) return 'zh-CN';
  return undefined;
}

/**
 * The page language: `?lang=` first (pass either the whole parsed query object or its `lang`
 * value), then the language cookie, then Accept-Language — English only when the header ranks an
 * English variant above every Chinese one (equal weights: the one listed first) — else zh-CN.
 */
export function langFromRequest(query: unknown, cookieValue: unknown, acceptLanguage: unknown): Lang {
  const fromQuery =
    query !== null && typeof query === 'object' && !Array.isArray(query)
      ? parseLang((query as Record<string, unknown>)['lang'])
      : parseLang(query);
  return fromQuery ?? parseLang(cookieValue) ?? fromAcceptLanguage(acceptLanguage) ?? 'zh-CN';
}

function fromAcceptLanguage(header: unknown): Lang | undefined {
  if (Array.isArray(header)) header = header.filter((h) => typeof h === 'string').join(',');
  if (typeof header !== 'string' || header.length > 1000) return undefined;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.split(';');
    const lang = parseLang(tag);
    if (!lang) continue;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang;
}
