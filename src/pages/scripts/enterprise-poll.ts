/**
 * The enterprise sign-in page's wait for the wallet. Without script the page reloads itself every
 * 3 seconds (a refresh inside <noscript>); with this script it asks the page's status URL
 * instead (JSON `{ state, refusal }`, no side effects) every 2 seconds, and goes to the page's
 * poll URL only when the answer differs from what the page shows (`data-state`, `data-refusal`):
 * the wallet answered, an answer was refused, the QR code expired, the sign-in request is gone.
 * So the page stays still while it waits — an open "开发者" disclosure stays open, a screen
 * reader is not interrupted — and moves on by itself. A network error slows the polling down
 * (up to 30 s) rather than giving up.
 *
 * Markup: `[data-enterprise-poll]` with `data-status-url`, `data-poll-url` (paths on this site),
 * `data-state` and `data-refusal`.
 */
export const enterprisePollSource = String.raw`(function () {
  'use strict';
  var el = document.querySelector('[data-enterprise-poll]');
  if (!el || !window.fetch) return;
  var statusUrl = el.getAttribute('data-status-url') || '';
  var pollUrl = el.getAttribute('data-poll-url') || '';
  var state = el.getAttribute('data-state') || '';
  var refusal = el.getAttribute('data-refusal') || '';
  var local = function (url) { return url.charAt(0) === '/' && url.charAt(1) !== '/'; };
  if (!local(statusUrl) || !local(pollUrl)) return;
  var delay = 2000;
  var moving = false;
  function go() {
    if (moving) return;
    moving = true;
    window.location.replace(pollUrl);
  }
  function check() {
    if (moving) return;
    fetch(statusUrl, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) return go();
        return response.json().then(function (now) {
          if (!now || now.state !== state || (now.refusal || '') !== refusal) return go();
          delay = 2000;
          setTimeout(check, delay);
        });
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        setTimeout(check, delay);
      });
  }
  setTimeout(check, delay);
})();
`;
