/**
 * Pages that only pass a step on (signing out with no session left to ask about): the form marked
 * `data-auto-submit` is sent as soon as the page loads. Without script the page shows its button.
 */
export const autoSubmitSource = String.raw`(function () {
  'use strict';
  var form = document.querySelector('form[data-auto-submit]');
  if (form) form.submit();
})();
`;
