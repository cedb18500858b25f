/**
 * The browser family of a User-Agent header, as the holder's list of openings shows it
 * ("Chrome on Android", "WeChat on iOS", "curl"): enough to recognise the clerk's scanner or one's
 * own phone, never the whole header (versions and device models single a device out). Anything
 * not recognised is "other".
 */
export function browserFamily(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').slice(0, 512);
  if (!ua.trim()) return 'unknown';
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  if (!browser) return system ? `other on ${system}` : 'other';
  return system && !TOOLS.has(browser) ? `${browser} on ${system}` : browser;
}

/** Tried in order: the embedding apps and the browsers built on Chromium come before Chrome, Chrome before Safari. */
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/MicroMessenger\//i, 'WeChat'],
  [/AlipayClient\//i, 'Alipay'],
  [/DingTalk\//i, 'DingTalk'],
  [/HeadlessChrome\//, 'Headless Chrome'],
  [/Edg(A|iOS)?\//, 'Edge'],
  [/(OPR|Opera)\//, 'Opera'],
  [/UCBrowser\//, 'UC Browser'],
  [/QQBrowser\//, 'QQ Browser'],
  [/HuaweiBrowser\//, 'Huawei Browser'],
  [/MiuiBrowser\//, 'Mi Browser'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/(Firefox|FxiOS)\//, 'Firefox'],
  [/(Chrome|Chromium|CriOS)\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'Wget'],
  [/^(node|undici)/i, 'Node.js'],
  [/^python-/i, 'Python'],
  [/^Go-http-client\//, 'Go'],
  [/^okhttp\//i, 'OkHttp'],
  [/^Java\//, 'Java'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/HarmonyOS|OpenHarmony/i, 'HarmonyOS'],
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** Programs rather than browsers: no system is named for them. */
const TOOLS = new Set(['curl', 'Wget', 'Node.js', 'Python', 'Go', 'OkHttp', 'Java']);
