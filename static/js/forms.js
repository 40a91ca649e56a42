/* Long forms' error summary (templates/_macros/forms.html, error_summary): the summary has the
   focus when a refused form comes back (autofocus; set here too where a browser ignored it),
   and following one of its links moves the focus into that field, not only the scroll
   position, with the field's label in view. Kept in a file: the Content-Security-Policy allows
   no inline script. Without JavaScript the links still scroll to the fields. */
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary && document.activeElement !== summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }

  function fieldFor(target) {
    if (!target) {
      return null;
    }
    if (target.matches("input, select, textarea, button")) {
      return target;
    }
    return target.querySelector("input:not([type=hidden]), select, textarea, button");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#error-summary a[href^='#']") : null;
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    var field = fieldFor(target);
    if (!field) {
      return;
    }
    event.preventDefault();
    // The field's box (label, input, hint) or the fieldset; their scroll-margin (app.css)
    // keeps them clear of the sticky header.
    var box = target.matches("fieldset") ? target : (field.closest(".field") || field);
    box.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
