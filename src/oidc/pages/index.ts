/**
 * The pages of the provider's interactions: sign-in (citizen and enterprise tabs), one-time
 * code, consent, and the sign-out pages oidc-provider asks for. Built on src/pages.
 */
export { type LoginError, type LoginPageInput, loginPage } from './login.js';
export { type OtpPageInput, otpPage } from './otp.js';
export { type ConsentPageInput, consentItems, consentPage } from './consent.js';
export { type LogoutPageInput, type LogoutSuccessPageInput, logoutPage, logoutPassingPage, logoutSuccessPage } from './logout.js';
export { type EnterpriseLoginPageInput, type EnterprisePageState, enterpriseLoginPage, loginTabs } from './enterprise.js';
