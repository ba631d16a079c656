// The routine generator's rows: add and remove exercises in place. Without this script the same
// buttons submit the form and the server re-shows it with the row added or removed.
(function () {
  "use strict";
  const form = document.querySelector("[data-generator]");
  if (!form) return;
  const list = document.getElementById("generator-rows");
  const template = document.getElementById("generator-row-template");
  const addButton = form.querySelector("[data-add-row]");
  const status = document.getElementById("generator-status");
  const total = document.getElementById("id_items-TOTAL_FORMS");
  const most = parseInt(document.getElementById("id_items-MAX_NUM_FORMS").value, 10);
  if (!list || !template || !addButton || !total) return;
  const ROW_NAME = /items-(\d+|__prefix__)-/g;
  const ATTRIBUTES = ["id", "name", "for", "aria-describedby", "aria-labelledby"];

  function rows() {
    return Array.from(list.querySelectorAll("[data-row]"));
  }

  function say(text) {
    // Emptied first so that the same words twice in a row are announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // Give each row the index of its place: the server reads rows 0…TOTAL_FORMS-1.
  function renumber() {
    rows().forEach(function (row, index) {
      row.querySelectorAll("*").forEach(function (element) {
        ATTRIBUTES.forEach(function (name) {
          const value = element.getAttribute(name);
          if (value && value.indexOf("items-") !== -1) {
            element.setAttribute(name, value.replace(ROW_NAME, "items-" + index + "-"));
          }
        });
      });
      row.querySelectorAll("[data-row-number]").forEach(function (number) {
        number.textContent = String(index + 1);
      });
      row.querySelector("[data-remove-row]").value = String(index);
    });
    total.value = String(rows().length);
  }

  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    const count = rows().length;
    if (count >= most) {
      say(addButton.dataset.limitMessage);
      return;
    }
    const html = template.innerHTML
      .replace(/__prefix__/g, String(count))
      .replace(/__number__/g, String(count + 1));
    list.insertAdjacentHTML("beforeend", html);
    renumber();
    list.lastElementChild.querySelector("select, input").focus();
    say("Exercise " + (count + 1) + " added.");
  });

  list.addEventListener("click", function (event) {
    const button = event.target.closest("[data-remove-row]");
    if (!button) return;
    event.preventDefault();
    const row = button.closest("[data-row]");
    const place = rows().indexOf(row);
    // Focus goes to the row that takes its place, else the one before, else "Add".
    const neighbour = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    const target = neighbour ? neighbour.querySelector("select, input") : addButton;
    target.focus();
    say("Exercise " + (place + 1) + " removed. " + rows().length + " left.");
  });
})();
