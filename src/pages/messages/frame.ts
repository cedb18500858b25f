/** The frame of every page: header, footer, language switch, common buttons. [zh-CN, en]. */
export const frame = {
  'service.name': ['通办 · 统一身份认证', 'tongban · Unified Identity'],
  'service.title': ['通办统一身份认证', 'tongban Unified Identity'],
  'lang.switch': ['English', '中文'],
  'title.error_prefix': ['错误：', 'Error: '],
  'footer.security': ['请妥善保管您的密码和动态验证码，切勿告知他人。', 'Never share your password or one-time codes with anyone.'],
  'common.cancel_return': ['取消，返回 {clientName}', 'Cancel and return to {clientName}'],
  'error.csrf': ['页面已过期，请重新提交。', 'This page has expired. Please try again.'],
} satisfies Record<string, readonly [string, string]>;
