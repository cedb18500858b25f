/**
 * Server-rendered HTML shared by every page of tongban (sign-in, self-service, demo portals):
 * pure functions from plain data to complete HTML5 documents, zh-CN first with English, no
 * external assets. Markup is written with the `html` template, which escapes every value.
 */
export { type Lang, LANG_COOKIE, LANGS, langFromRequest, messages, parseLang, t } from './messages.js';
export type { FormBase, PageBase } from './layout.js';
export { styles } from './styles.js';
export { type ErrorPageInput, errorPage } from './error.js';
export { pageLanguage, sendPage } from './page-response.js';
