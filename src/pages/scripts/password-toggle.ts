/**
 * Show / hide the password (the sign-in page; GOV.UK's password-input pattern). The page renders
 * the button `hidden` inside the password field's wrapper; this script shows it and switches
 * the field between `password` and `text`. The button's visible text and accessible name say
 * what a press does ("显示" / 显示密码, "隐藏" / 隐藏密码), and a status line announces the new
 * state. Before the form is sent, and when the page comes back from the back/forward cache, the
 * password is hidden again (browsers must not keep it as plain text). Texts come from the page's
 * data attributes: the script holds no words of its own.
 *
 * Markup: `button[data-password-toggle]` with `aria-controls` (the input's id), `data-show-text`,
 * `data-hide-text`, `data-show-label`, `data-hide-label`, `data-shown-status`,
 * `data-hidden-status` and `data-status` (the id of the status element).
 */
export const passwordToggleSource = String.raw`(function () {
  'use strict';
  var buttons = document.querySelectorAll('button[data-password-toggle]');
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute('aria-controls') || '');
    if (!input || input.tagName !== 'INPUT') return;
    var status = document.getElementById(button.getAttribute('data-status') || '');
    function show(visible, announce) {
      input.setAttribute('type', visible ? 'text' : 'password');
      button.textContent = button.getAttribute(visible ? 'data-hide-text' : 'data-show-text');
      button.setAttribute('aria-label', button.getAttribute(visible ? 'data-hide-label' : 'data-show-label'));
      if (announce && status) status.textContent = button.getAttribute(visible ? 'data-shown-status' : 'data-hidden-status');
    }
    button.addEventListener('click', function () {
      show(input.getAttribute('type') === 'password', true);
    });
    if (input.form) input.form.addEventListener('submit', function () { show(false, false); });
    window.addEventListener('pageshow', function () { show(false, false); });
    input.classList.add('has-toggle');
    button.hidden = false;
  });
})();
`;
