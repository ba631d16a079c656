// The program builder: every change goes through /api/v1/ and the changed day is re-rendered
// by the server, so the page always shows what is stored.
(function () {
  "use strict";
  const root = document.getElementById("builder");
  if (!root || root.dataset.editable !== "true") return;
  const programId = root.dataset.program;
  const status = document.getElementById("builder-status");

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(message) {
    status.textContent = message;
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return null;
    const data = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      const error = new Error(firstMessage(data) || "The change could not be saved.");
      error.data = data;
      throw error;
    }
    return data;
  }

  function firstMessage(data) {
    if (!data) return "";
    let fields = data.fields;
    while (fields && typeof fields === "object" && !Array.isArray(fields)) {
      const key = Object.keys(fields)[0];
      if (key === undefined) break;
      fields = fields[key];
    }
    if (Array.isArray(fields) && fields.length) return String(fields[0]);
    return data.message || "";
  }

  async function refreshDay(dayId) {
    const url = root.dataset.dayUrl.replace(/\/0\/$/, "/" + dayId + "/");
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    const card = root.querySelector('[data-day="' + dayId + '"]');
    if (card) card.outerHTML = html;
  }

  async function refreshWarnings() {
    const response = await fetch(root.dataset.warningsUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const panel = document.getElementById("warnings");
    if (panel) panel.outerHTML = await response.text();
  }

  function showError(row, message) {
    const box = row && row.querySelector(".field-error");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    } else {
      window.alert(message);
    }
    say(message);
  }

  function valueOf(input) {
    if (input.type === "checkbox") return input.checked;
    if (input.value === "") return input.type === "number" || input.tagName === "SELECT" ? null : "";
    return input.type === "number" ? Number(input.value) : input.value;
  }

  // An emptied dose field is not stored: the stage gives it (its value is the placeholder).
  function fromStage(input) {
    const label = input.closest("label");
    const name = label ? label.firstChild.textContent.trim() : "The value";
    return "Saved. " + name + ": from the stage (" + input.placeholder + ").";
  }

  // Dose and stage of a prescription.
  root.addEventListener("change", async function (event) {
    const input = event.target;
    const row = input.closest("[data-prescription]");
    const card = input.closest("[data-day]");
    try {
      if (row && input.dataset.field) {
        const body = {};
        body[input.dataset.field] = valueOf(input);
        await api("PATCH", "/api/v1/prescriptions/" + row.dataset.prescription + "/", body);
        input.removeAttribute("aria-invalid");
        const box = row.querySelector(".field-error");
        if (box) box.hidden = true;
        if (input.dataset.field === "stage") await refreshDay(card.dataset.day);
        say(body[input.dataset.field] === null && input.placeholder ? fromStage(input) : "Saved.");
      } else if (card && input.dataset.dayField) {
        const body = {};
        body[input.dataset.dayField] = valueOf(input);
        await api("PATCH", "/api/v1/program-days/" + card.dataset.day + "/", body);
        if (input.dataset.dayField !== "title") await refreshDay(card.dataset.day);
        say("Saved.");
      } else {
        return;
      }
      await refreshWarnings();
    } catch (error) {
      input.setAttribute("aria-invalid", "true");
      showError(row || card, error.message);
    }
  });

  // Move, remove, remove block.
  root.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const row = button.closest("[data-prescription]");
    const card = button.closest("[data-day]");
    try {
      if (button.dataset.action === "remove" && row) {
        const name = row.querySelector(".prescription-name a").textContent;
        if (!window.confirm("Remove " + name + " from day " + card.dataset.number + "?")) return;
        await api("DELETE", "/api/v1/prescriptions/" + row.dataset.prescription + "/");
        await refreshDay(card.dataset.day);
      } else if ((button.dataset.action === "up" || button.dataset.action === "down") && row) {
        const ids = Array.from(card.querySelectorAll("[data-prescription]")).map(function (el) {
          return Number(el.dataset.prescription);
        });
        const index = ids.indexOf(Number(row.dataset.prescription));
        const swap = button.dataset.action === "up" ? index - 1 : index + 1;
        if (swap < 0 || swap >= ids.length) return;
        ids[index] = ids[swap];
        ids[swap] = Number(row.dataset.prescription);
        await api("POST", "/api/v1/program-days/" + card.dataset.day + "/reorder/", { ids: ids });
        await refreshDay(card.dataset.day);
      } else if (button.dataset.action === "remove-block") {
        const item = button.closest("[data-block]");
        if (!window.confirm("Remove this block? The days keep their exercises.")) return;
        await api("DELETE", "/api/v1/blocks/" + item.dataset.block + "/");
        window.location.reload();
        return;
      } else if (button.dataset.action === "pick") {
        const body = { day: Number(card.dataset.day), exercise: Number(button.dataset.exercise) };
        await api("POST", "/api/v1/prescriptions/", body);
        await refreshDay(card.dataset.day);
        const picker = root.querySelector('[data-day="' + card.dataset.day + '"] [data-picker]');
        if (picker) picker.focus();
        say(button.textContent + " added to day " + card.dataset.number + ".");
      } else {
        return;
      }
      await refreshWarnings();
    } catch (error) {
      showError(row || card, error.message);
    }
  });

  // The exercise picker: search the library as you type.
  let timer = null;
  root.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.matches("[data-picker]")) return;
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const list = input.parentElement.querySelector(".picker-results");
      const query = input.value.trim();
      if (query.length < 2) {
        list.hidden = true;
        return;
      }
      const data = await api("GET", "/api/v1/exercises/?search=" + encodeURIComponent(query));
      list.innerHTML = "";
      data.results.slice(0, 8).forEach(function (exercise) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "picker-option";
        button.dataset.action = "pick";
        button.dataset.exercise = exercise.id;
        button.textContent = exercise.name;
        item.appendChild(button);
        list.appendChild(item);
      });
      if (!data.results.length) {
        const item = document.createElement("li");
        item.className = "muted small";
        item.textContent = "No exercise matches.";
        list.appendChild(item);
      }
      list.hidden = false;
    }, 200);
  });

  // The picker's results are reached with the arrow keys: down from the search field, up and
  // down between results, Escape back to the field.
  root.addEventListener("keydown", function (event) {
    const target = event.target;
    const picker = target.closest ? target.closest(".picker") : null;
    if (!picker) return;
    const input = picker.querySelector("[data-picker]");
    const options = Array.from(picker.querySelectorAll(".picker-option"));
    const at = options.indexOf(target);
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(at + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? input : options[at - 1]).focus();
    } else if (event.key === "Escape" && at >= 0) {
      event.preventDefault();
      input.focus();
    }
  });

  function parseDays(text) {
    const numbers = [];
    text.split(",").forEach(function (part) {
      const range = part.trim().match(/^(\d+)\s*(?:-\s*(\d+))?$/);
      if (!range) return;
      const start = Number(range[1]);
      const end = range[2] ? Number(range[2]) : start;
      for (let n = start; n <= end && numbers.length < 400; n++) numbers.push(n);
    });
    return numbers;
  }

  root.addEventListener("submit", async function (event) {
    const form = event.target;
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form).entries());
    try {
      if (form.matches("[data-duplicate-day]")) {
        const card = form.closest("[data-day]");
        const days = parseDays(fields.to_days || "");
        if (!days.length) throw new Error("Write day numbers such as 2-7, 9.");
        await api("POST", "/api/v1/program-days/" + card.dataset.day + "/duplicate/", { to_days: days });
      } else if (form.matches("[data-copy-week]")) {
        await api("POST", "/api/v1/programs/" + programId + "/copy-week/", {
          from_week: Number(fields.from_week),
          to_week: Number(fields.to_week),
        });
      } else if (form.matches("[data-add-block]")) {
        await api("POST", "/api/v1/blocks/", {
          program: Number(programId),
          name: fields.name,
          focus: fields.focus,
          start: Number(fields.start),
          end: Number(fields.end),
        });
      } else {
        return;
      }
      window.location.reload();
    } catch (error) {
      showError(form.closest("[data-day]"), error.message);
    }
  });
})();
