import type { Lang } from '../pages/messages.js';

/** The metadata keys of a portal's name in each page language (RFC 7591 §2.2 language tags). */
export const CLIENT_NAME_KEYS: Record<Lang, readonly string[]> = {
  'zh-CN': ['client_name#zh-CN', 'client_name#zh-Hans-CN', 'client_name#zh', 'client_name'],
  en: ['client_name#en', 'client_name#en-US', 'client_name#en-GB', 'client_name'],
};

/**
 * A portal's name in the page's language, from its stored metadata (ClientStore): the name
 * registered for that language (`client_name#en`, `client_name#zh-CN`), else `client_name`, else
 * the client_id. oidc-provider drops the tagged names when it loads a client, so pages that want
 * them read the stored metadata.
 */
export function portalName(metadata: Record<string, unknown> | undefined, lang: Lang, clientId: string): string {
  for (const key of CLIENT_NAME_KEYS[lang]) {
    const value = metadata?.[key];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return clientId;
}
