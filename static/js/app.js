/* Malpro's own script, loaded with `defer` on every page. The site works without it; it
   - registers the service worker (static/js/sw.js) that makes Malpro installable and shows an
     offline page;
   - slides the sticky header away while the page scrolls down and brings it back on the way
     up, so fixed bars never take much of a phone's screen (issue 13.5);
   - shows the − / + buttons of quantity steppers (hidden without JavaScript, where the number
     field alone works);
   - closes the header's account menu on a tap elsewhere or Escape.
   Kept in a file because the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var script = document.currentScript;
  var workerUrl = script && script.dataset.serviceWorker;

  function registerWorker() {
    if (!workerUrl || !("serviceWorker" in navigator)) {
      return;
    }
    // After the page has loaded, so installing the worker never slows the first visit down.
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {
        // No worker (private mode, blocked storage): the site simply has no offline page.
      });
    });
  }

  function hideHeaderOnScrollDown() {
    var header = document.querySelector("[data-hide-on-scroll]");
    if (!header) {
      return;
    }
    var last = window.scrollY;
    var ticking = false;
    function update() {
      ticking = false;
      var now = window.scrollY;
      var height = header.offsetHeight;
      // Never hidden while something in it has the focus (the search box, an open menu).
      var busy = header.contains(document.activeElement) && document.activeElement !== document.body;
      if (now > last + 4 && now > height && !busy) {
        header.classList.add("is-hidden");
      } else if (now < last - 4 || now <= height) {
        header.classList.remove("is-hidden");
      }
      if (Math.abs(now - last) > 4) {
        last = now;
      }
    }
    window.addEventListener("scroll", function () {
      if (!ticking) {
        ticking = true;
        window.requestAnimationFrame(update);
      }
    }, { passive: true });
    header.addEventListener("focusin", function () {
      header.classList.remove("is-hidden");
    });
  }

  function quantitySteppers(root) {
    var steppers = (root || document).querySelectorAll("[data-stepper]");
    Array.prototype.forEach.call(steppers, function (stepper) {
      var input = stepper.querySelector("input");
      if (!input || stepper.dataset.ready) {
        return;
      }
      stepper.dataset.ready = "1";
      Array.prototype.forEach.call(stepper.querySelectorAll("[data-step]"), function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var min = input.min === "" ? 1 : Number(input.min);
          var max = input.max === "" ? Infinity : Number(input.max);
          var value = (parseInt(input.value, 10) || min) + Number(button.dataset.step);
          input.value = String(Math.min(max, Math.max(min, value)));
          input.dispatchEvent(new Event("change", { bubbles: true }));
        });
      });
    });
  }

  // The header's account menu (<details>) closes like a menu: a tap elsewhere or Escape.
  function closeMenusOnOutsideTap() {
    document.addEventListener("click", function (event) {
      Array.prototype.forEach.call(document.querySelectorAll("details.account-menu[open]"), function (menu) {
        if (!menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      Array.prototype.forEach.call(document.querySelectorAll("details.account-menu[open]"), function (menu) {
        menu.open = false;
        menu.querySelector("summary").focus();
      });
    });
  }

  registerWorker();
  document.addEventListener("DOMContentLoaded", function () {
    hideHeaderOnScrollDown();
    quantitySteppers(document);
    closeMenusOnOutsideTap();
  });
  // Steppers that htmx swaps in later.
  document.addEventListener("htmx:load", function (event) {
    quantitySteppers(event.target);
  });
})();
