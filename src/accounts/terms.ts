/**
 * The version of the user agreement (/terms) and the privacy notice (/privacy) a citizen accepts
 * at registration: the date they were last changed, which those pages show. Change it with their
 * texts (src/pages/messages/site.ts). The version and the time of acceptance are stored with the
 * account.
 */
export const TERMS_VERSION = '2026-12-07';
