/* Malpro's own script, loaded with `defer` on every page. The site works without it; it only
   registers the service worker (static/js/sw.js) that makes Malpro installable and shows an
   offline page. Kept in a file because the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var script = document.currentScript;
  var workerUrl = script && script.dataset.serviceWorker;
  if (!workerUrl || !("serviceWorker" in navigator)) {
    return;
  }
  // After the page has loaded, so installing the worker never slows the first visit down.
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {
      // No worker (private mode, blocked storage): the site simply has no offline page.
    });
  });
})();
