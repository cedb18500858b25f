/**
 * Server-rendered HTML of the sign-in flow: pure functions from plain data to complete HTML5
 * documents (zh-CN first, English on request). No external assets, no JavaScript; every
 * interpolated value is escaped with `escapeHtml`; only the oidc-provider logout form and the
 * TOTP QR-code SVG are inserted raw.
 */
export { escapeHtml, safeUrl } from './escape.js';
export { type Lang, LANG_COOKIE, LANGS, langFromRequest, messages, parseLang, t } from './messages.js';
export type { FormBase, PageBase } from './layout.js';
export { styles } from './styles.js';
export { type LoginError, type LoginPageInput, loginPage } from './login.js';
export { type OtpPageInput, otpPage } from './otp.js';
export { type ConsentPageInput, consentPage } from './consent.js';
export { type LogoutPageInput, type LogoutSuccessPageInput, logoutPage, logoutSuccessPage } from './logout.js';
export { type ErrorPageInput, errorPage } from './error.js';
export {
  type AccountConsent,
  type AccountField,
  type AccountPageInput,
  accountPage,
  formatDate,
  groupSecret,
} from './account.js';
export { type RegisterField, type RegisterPageInput, registerPage } from './register.js';
export { type EnterpriseLoginError, type EnterpriseLoginPageInput, enterpriseLoginPage, loginTabs } from './enterprise.js';
