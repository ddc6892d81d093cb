// Native share on event pages, as progressive enhancement: the page works
// without this file (the link field and the e-mail link are plain HTML);
// where the browser can share (navigator.share, mostly phones) a button
// appears that opens its share sheet. Served same-origin under
// script-src 'self': no inline script, no eval.
(function () {
  'use strict';
  var input = document.getElementById('share-url');
  if (input) {
    // One click selects the whole address, ready to copy.
    input.addEventListener('focus', function () { input.select(); });
  }
  var btn = document.getElementById('share-native');
  if (!btn || typeof navigator.share !== 'function') {
    return;
  }
  btn.hidden = false;
  btn.addEventListener('click', function () {
    var data = { title: btn.getAttribute('data-title') || document.title, url: input ? input.value : location.href };
    // A refusal or a cancelled sheet leaves the page as it is.
    navigator.share(data).catch(function () {});
  });
})();
