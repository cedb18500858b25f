/**
 * Error pages: what went wrong and what to do, in plain words — never an OAuth error code. Each
 * kind of problem (src/pages/error.ts maps every code onto one) has a title and an explanation;
 * the `error.go.*` texts are the ways forward. [zh-CN, en].
 */
export const errors = {
  'error.title': ['出错了', 'Something went wrong'],
  'error.back': ['返回', 'Go back'],
  'error.generic': ['处理您的请求时出现问题，请稍后再试。', 'We could not process your request. Please try again later.'],
  'error.not_found': ['您访问的页面不存在或已失效。', 'The page you are looking for does not exist or is no longer valid.'],
  'error.interaction_expired': [
    '本次登录请求已过期或已完成。请返回您正在办理业务的网站，重新发起登录。',
    'This sign-in request has expired or was already completed. Go back to the website you were using and sign in again.',
  ],
  'error.expired': [
    '本次登录请求已过期或已完成。请返回您正在办理业务的网站，重新发起登录。',
    'This sign-in request has expired or was already completed. Go back to the website you were using and sign in again.',
  ],
  'error.unknown_prompt': [
    '无法继续处理本次登录请求。请返回您正在办理业务的网站，重新发起登录。',
    'This sign-in request cannot be continued. Go back to the website you were using and sign in again.',
  ],

  'error.expired.title': ['登录请求已过期', 'This sign-in request has expired'],
  'error.expired.body': [
    '为了保护您的账户，登录页面只在打开后的一段时间内有效；也可能这次登录已经完成。',
    'To protect your account, a sign-in page is valid only for a short time after it opens; or this sign-in was already completed.',
  ],
  'error.cancelled.title': ['登录未完成', 'You were not signed in'],
  'error.cancelled.body': [
    '您取消了登录、没有同意该网站获取您的信息，或者多次输错了动态验证码，所以这次没有登录。',
    'You cancelled, did not allow the website to receive your information, or entered a wrong one-time code too many times, so you were not signed in.',
  ],
  'error.needs_two_step.title': ['此服务要求两步验证', 'This service requires two-step sign-in'],
  'error.needs_two_step.body': [
    '该网站要求登录时除了密码，还要输入验证器应用中的动态验证码。您的账户还没有开启两步验证，所以这次没有登录。',
    'This website asks for a one-time code from an authenticator app as well as your password. Two-step sign-in is not turned on for your account yet, so you were not signed in.',
  ],
  'error.login_required.title': ['需要重新登录', 'Please sign in again'],
  'error.login_required.body': ['您还没有登录，或者登录已经结束。', 'You are not signed in, or your sign-in has ended.'],
  'error.consent_required.title': ['需要您的同意', 'Your permission is needed'],
  'error.consent_required.body': [
    '该网站需要您同意后才能获取您的信息。重新登录时，请在授权页面选择“同意并继续”。',
    'The website needs your permission before it can receive your information. When you sign in again, choose “Allow and continue” on the permission page.',
  ],
  'error.bad_request.title': ['无法继续这次登录', 'This sign-in cannot continue'],
  'error.bad_request.body': [
    '这个登录请求不完整、已经用过或已经失效，通常不是您的操作造成的。如果重新登录后仍然出现，请联系该网站并告知下方的参考编号。',
    'This sign-in request is incomplete, was already used or is no longer valid; usually this is not something you did. If it happens again after you sign in again, contact the website and give them the reference below.',
  ],
  'error.logout_failed.title': ['无法按这个请求退出', 'This sign-out request cannot be used'],
  'error.logout_failed.body': [
    '这个退出请求不完整、已经失效，或者要返回一个该网站没有登记的地址，所以通办没有处理它。您在通办的登录状态没有改变。',
    'This sign-out request is incomplete, no longer valid, or asks to return to an address the website has not registered, so tongban did not act on it. Your tongban sign-in has not changed.',
  ],
  'error.website_problem.title': ['该网站的登录设置有误', 'This website’s sign-in is not set up correctly'],
  'error.website_problem.body': [
    '通办无法确认这个登录请求来自已登记的网站，或者该网站的设置有误，所以没有继续。这不是您的操作问题。请联系该网站，并告知下方的参考编号。',
    'tongban could not confirm that this sign-in request comes from a registered website, or the website is set up incorrectly, so it stopped here. This is not something you did wrong. Contact the website and give them the reference below.',
  ],
  'error.csrf.title': ['页面已过期', 'This page has expired'],
  'error.csrf.body': [
    '为了保护您的账户，页面上的表单只在一段时间内有效。',
    'To protect your account, the forms on a page are valid only for a while.',
  ],
  'error.rate_limited.title': ['操作太频繁', 'Too many attempts'],
  'error.rate_limited.body': [
    '短时间内的请求太多，为了保护您的账户，暂时不再处理。',
    'There were too many requests in a short time, so to protect your account they are paused for now.',
  ],
  'error.unavailable.title': ['服务暂时不可用', 'The service is temporarily unavailable'],
  'error.unavailable.body': [
    '通办暂时无法完成您的请求，这不是您的操作问题。',
    'tongban cannot complete your request right now. This is not something you did wrong.',
  ],
  'error.not_found.title': ['页面不存在', 'Page not found'],
  'error.not_found.body': [
    '您访问的页面不存在或已被移除。请检查网址是否输入正确。',
    'The page you asked for does not exist or has been removed. Check that the address is right.',
  ],
  'error.generic.title': ['出错了', 'Something went wrong'],
  'error.generic.body': [
    '我们无法处理您的请求。如果问题持续，请联系我们并告知下方的参考编号。',
    'We could not process your request. If the problem continues, contact us and give the reference below.',
  ],

  'error.next': ['您可以：', 'What you can do:'],
  'error.go.portal': ['返回“{clientName}”，重新登录', 'Go back to {clientName} and sign in again'],
  'error.go.portal_back': ['返回“{clientName}”', 'Go back to {clientName}'],
  'error.go.portal_unknown': [
    '回到您正在办理业务的网站，重新点击“登录”。',
    'Go back to the website you were using and choose “Sign in” again.',
  ],
  'error.go.totp': ['在“我的账户”中开启两步验证', 'Turn on two-step sign-in on your account page'],
  'error.go.then_portal': ['开启后，返回“{clientName}”重新登录', 'Then go back to {clientName} and sign in again'],
  'error.go.then_portal_unknown': ['开启后，回到该网站重新登录。', 'Then go back to the website and sign in again.'],
  'error.go.reload': ['返回上一页，刷新后重试。', 'Go back to the previous page, reload it and try again.'],
  'error.go.wait': ['等几分钟后再试。', 'Wait a few minutes and try again.'],
  'error.go.later': ['稍后再试。', 'Try again later.'],
  'error.go.sign_out': ['在通办退出登录', 'Sign out of tongban'],
  'error.go.home': ['前往通办首页', 'Go to the tongban home page'],
  'error.go.help': ['查看帮助和联系方式', 'Help and contact details'],
  'error.reference': ['如需联系客服，请提供参考编号：{ref}', 'If you contact support, give this reference: {ref}'],
} satisfies Record<string, readonly [string, string]>;
