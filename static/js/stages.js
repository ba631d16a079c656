// Inline stage editing on the exercise form: add a rung, move rungs up and down.
// The server reads the order from each rung's ORDER field, so moving renumbers them.
(function () {
  "use strict";
  const list = document.getElementById("stage-forms");
  const template = document.getElementById("stage-template");
  const addButton = document.getElementById("add-stage");
  if (!list || !template || !addButton) return;
  const total = document.getElementById("id_stages-TOTAL_FORMS");

  function renumber() {
    list.querySelectorAll("[data-stage-form]").forEach(function (item, index) {
      const order = item.querySelector("input[name$='-ORDER']");
      if (order) order.value = index + 1;
      const number = item.querySelector("[data-stage-number]");
      if (number) number.textContent = index + 1;
    });
  }

  addButton.addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    renumber();
    const added = list.lastElementChild;
    const first = added.querySelector("input[name$='-name']");
    if (first) first.focus();
  });

  list.addEventListener("click", function (event) {
    const button = event.target.closest("[data-move]");
    if (!button) return;
    const item = button.closest("[data-stage-form]");
    if (button.dataset.move === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    renumber();
    button.focus();
  });

  list.classList.add("js-ordering");
  renumber();
})();
