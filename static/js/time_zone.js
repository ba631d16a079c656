// Time-zone boxes (<input data-time-zone list="…">, suggestions in a <datalist>).
//
// On a new form (data-browser-default) an empty box gets the browser's own zone, when it is one
// of the names the server accepts. The user can still type another: the box is an ordinary text
// field, and the server checks what is sent.
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  const zone = browserZone();
  if (!zone) return;
  document.querySelectorAll("input[data-time-zone][data-browser-default]").forEach(function (box) {
    if (box.value) return;
    const known = box.list && Array.prototype.some.call(box.list.options, function (option) {
      return option.value === zone;
    });
    if (known) box.value = zone;
  });
})();
