import { createHash } from 'node:crypto';
import { passwordStrengthSource } from './password-strength.js';
import { passwordToggleSource } from './password-toggle.js';
import { countdownSource } from './countdown.js';
import { enterprisePollSource } from './enterprise-poll.js';
import { autoSubmitSource } from './auto-submit.js';

/**
 * The scripts tongban's pages may load: small, first-party, served from `/assets/<name>.js`
 * (CSP `script-src 'self'`), each an enhancement — every page works without it. One module per
 * script in this folder exports its source; list it here.
 */
const SOURCES: Record<string, string> = {
  'password-strength': passwordStrengthSource,
  'password-toggle': passwordToggleSource,
  countdown: countdownSource,
  'enterprise-poll': enterprisePollSource,
  'auto-submit': autoSubmitSource,
};

export interface PageScript {
  name: string;
  source: string;
  /** `/assets/<name>.js?v=<hash>`: the content hash lets browsers cache it for a year. */
  url: string;
  etag: string;
}

const scripts = new Map<string, PageScript>(
  Object.entries(SOURCES).map(([name, source]) => {
    const hash = createHash('sha256').update(source).digest('base64url').slice(0, 12);
    return [name, { name, source, url: `/assets/${name}.js?v=${hash}`, etag: `"${hash}"` }];
  }),
);

export function pageScript(name: string): PageScript | undefined {
  return scripts.get(name);
}

/** The URL of a script a page loads; throws for a name that is not listed (a programming error). */
export function pageScriptUrl(name: string): string {
  const script = scripts.get(name);
  if (!script) throw new Error(`no page script ${name}`);
  return script.url;
}
