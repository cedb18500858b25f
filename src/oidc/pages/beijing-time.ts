import type { Lang } from '../../pages/messages.js';

/** China Standard Time, UTC+8 all year (no daylight saving): what 北京时间 means on every page. */
const OFFSET_MS = 8 * 3600_000;
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A moment as a Beijing wall-clock time to the minute, "15:42" — with the date in front when it
 * is not on today's date in Beijing ("12月3日 15:42", "3 Dec 15:42"). `round: 'up'` for the end
 * of a wait (the time shown has passed when the wait is over: a lock that ends at 15:41:20 shows
 * 15:42), `'down'` for the end of a validity (what is valid until 15:42:40 shows 15:42).
 * The words around it say 北京时间 / Beijing time; the server's and the reader's time zones play no part.
 */
export function beijingClock(at: Date, lang: Lang, round: 'up' | 'down', now: Date = new Date()): string {
  const minute = 60_000;
  const ms = round === 'up' ? Math.ceil(at.getTime() / minute) * minute : Math.floor(at.getTime() / minute) * minute;
  const local = new Date(ms + OFFSET_MS);
  const today = new Date(now.getTime() + OFFSET_MS);
  const clock = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  const sameDay =
    local.getUTCFullYear() === today.getUTCFullYear() &&
    local.getUTCMonth() === today.getUTCMonth() &&
    local.getUTCDate() === today.getUTCDate();
  if (sameDay) return clock;
  return lang === 'en'
    ? `${local.getUTCDate()} ${MONTHS_EN[local.getUTCMonth()]} ${clock}`
    : `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${clock}`;
}

/** A number of seconds as the countdown shows it, "4:05" (minutes:seconds); the page script keeps it running. */
export function countdownText(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
