/**
 * The version of the user agreement (/terms) and the privacy notice (/privacy) a citizen accepts
 * at registration: the date they were last changed, which those pages show
 * (POLICIES_UPDATED in src/site/pages/site-pages.ts — change the two together). The version and
 * the time of acceptance are stored with the account.
 */
export const TERMS_VERSION = '2026-12-07';
