// Behaviour every page shares, kept out of the markup so that the Content-Security-Policy can
// refuse inline scripts and event-handler attributes.
//
// <form data-confirm="Question?">: asks before submitting; Cancel keeps the form unsent.
// <button data-print>: opens the browser's print dialog.
(function () {
  "use strict";

  // Captured before the form's own handlers: a "no" stops the submission for all of them.
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
      if (window.confirm(form.getAttribute("data-confirm"))) return;
      event.preventDefault();
      event.stopPropagation();
    },
    true
  );

  document.addEventListener("click", function (event) {
    const control = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (!control) return;
    event.preventDefault();
    window.print();
  });
})();
