/**
 * Countdowns (the enterprise sign-in's QR code, the wallet's answer waiting for the person): the
 * page renders the seconds left as the server saw them (`data-seconds-left`) and the text
 * ("4:58") in `[data-countdown-left]`; this script keeps it running each second from that
 * number (the computer's clock plays no part, so a wrong clock does not matter) and, at zero,
 * goes to `data-expired-url` (a path on this site), where the server says what has expired.
 * The element is `role="timer"`, which screen readers do not read at every tick.
 */
export const countdownSource = String.raw`(function () {
  'use strict';
  var start = Date.now();
  var timers = document.querySelectorAll('[data-countdown]');
  Array.prototype.forEach.call(timers, function (el) {
    var total = Number(el.getAttribute('data-seconds-left'));
    var out = el.querySelector('[data-countdown-left]');
    var url = el.getAttribute('data-expired-url') || '';
    if (!out || !isFinite(total)) return;
    var done = false;
    function tick() {
      var left = Math.max(0, Math.ceil(total - (Date.now() - start) / 1000));
      var text = Math.floor(left / 60) + ':' + ('0' + (left % 60)).slice(-2);
      if (out.textContent !== text) out.textContent = text;
      if (left === 0 && !done) {
        done = true;
        clearInterval(timer);
        if (url.charAt(0) === '/' && url.charAt(1) !== '/') window.location.replace(url);
      }
    }
    var timer = setInterval(tick, 250);
    tick();
  });
})();
`;
