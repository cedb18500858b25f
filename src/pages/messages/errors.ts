/** Error pages: what went wrong and what to do. [zh-CN, en]. */
export const errors = {
  'error.title': ['出错了', 'Something went wrong'],
  'error.code': ['错误代码：{code}', 'Error code: {code}'],
  'error.back': ['返回', 'Go back'],
  'error.generic': ['处理您的请求时出现问题，请稍后再试。', 'We could not process your request. Please try again later.'],
  'error.not_found': ['您访问的页面不存在或已失效。', 'The page you are looking for does not exist or is no longer valid.'],
  'error.interaction_expired': [
    '本次登录请求已过期或已完成。请返回您正在办理业务的网站，重新发起登录。',
    'This sign-in request has expired or was already completed. Go back to the portal you were using and sign in again.',
  ],
  'error.expired': [
    '本次登录请求已过期或已完成。请返回您正在办理业务的网站，重新发起登录。',
    'This sign-in request has expired or was already completed. Go back to the portal you were using and sign in again.',
  ],
  'error.unknown_prompt': [
    '无法继续处理本次登录请求。请返回您正在办理业务的网站，重新发起登录。',
    'This sign-in request cannot be continued. Go back to the portal you were using and sign in again.',
  ],
} satisfies Record<string, readonly [string, string]>;
