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

  // Every write names the version of the program this page shows (If-Match) and takes the
  // version its answer gives, so a change made meanwhile in another tab or tool is never
  // overwritten: the server refuses the write (412) and the coach is asked to reload.
  let programVersion = root.dataset.etag || "";
  const STALE_MESSAGE = "This program was changed in another tab or tool. Reload the page to see the latest version; your last change was not saved.";

  async function api(method, url, body) {
    const headers = { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" };
    const write = method !== "GET";
    if (write && programVersion) headers["If-Match"] = programVersion;
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (write && response.ok && response.headers.get("ETag")) programVersion = response.headers.get("ETag");
    if (response.status === 412) {
      const stale = new Error(STALE_MESSAGE);
      stale.data = {};
      // Said once the caller has shown the error, so the status area ends on this message.
      setTimeout(function () {
        status.textContent = STALE_MESSAGE;
        status.classList.add("failed");
      }, 0);
      throw stale;
    }
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

  // --- re-rendering parts of the page from the server's fragments ---------------------------

  // What identifies a control across a re-render of its day, to give it focus again.
  function focusKey(element) {
    if (!element || element === document.body) return null;
    if (element.id) return "#" + CSS.escape(element.id);
    const row = element.closest("[data-prescription]");
    const name = element.dataset.field ? '[data-field="' + element.dataset.field + '"]'
      : element.dataset.action ? '[data-action="' + element.dataset.action + '"]' : null;
    if (row && name) return '[data-prescription="' + row.dataset.prescription + '"] ' + name;
    const card = element.closest("[data-day]");
    if (card && element.dataset.dayField) {
      return '[data-day="' + card.dataset.day + '"] [data-day-field="' + element.dataset.dayField + '"]';
    }
    return null;
  }

  function focusOn(selector) {
    const target = selector && document.querySelector(selector);
    if (target) target.focus();
    return Boolean(target);
  }

  async function refreshDay(dayId, focusAfter) {
    const url = root.dataset.dayUrl.replace(/\/0\/$/, "/" + dayId + "/");
    const key = focusAfter === undefined ? focusKey(document.activeElement) : focusAfter;
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    const card = root.querySelector('[data-day="' + dayId + '"]');
    if (card) card.outerHTML = html;
    focusOn(key);
  }

  // Several parts at once: the blocks card, whole weeks (their headings show their blocks) and
  // day cards by number. Each part replaces the element of the page with its id.
  async function refreshParts(parts) {
    const query = new URLSearchParams();
    if (parts.blocks) query.set("blocks", "1");
    if (parts.weeks && parts.weeks.length) query.set("weeks", parts.weeks.join(","));
    if (parts.days && parts.days.length) query.set("days", parts.days.join(","));
    const key = focusKey(document.activeElement);
    const response = await fetch(root.dataset.partsUrl + "?" + query, { credentials: "same-origin" });
    if (!response.ok) return;
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    Array.from(holder.content.children).forEach(function (part) {
      const current = part.id && document.getElementById(part.id);
      if (current) current.replaceWith(part);
    });
    focusOn(key);
  }

  async function refreshWarnings() {
    const response = await fetch(root.dataset.warningsUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const panel = document.getElementById("warnings");
    if (panel) panel.outerHTML = await response.text();
  }

  // The weeks whose headings a block of `start`…`end` (days of a routine, weeks of a plan)
  // shows in.
  function weeksOf(start, end) {
    const weeks = new Set();
    for (let n = start; n <= end && n - start < 400; n++) {
      if (root.dataset.unit === "week") {
        weeks.add(n);
      } else {
        const section = document.getElementById("day-" + n);
        const week = section && section.closest("[data-week]");
        if (week) weeks.add(Number(week.dataset.week));
      }
    }
    return Array.from(weeks);
  }

  // --- saved marks and errors beside their control ------------------------------------------

  // The status line is the visible "Saved" mark. A success fades from view after a few seconds
  // (it stays in the page for screen readers); a failure stays until the next change.
  let fading = null;

  function say(message, failed) {
    clearTimeout(fading);
    status.textContent = message;
    status.classList.toggle("failed", Boolean(failed));
    status.classList.remove("faded");
    if (!failed) fading = setTimeout(function () { status.classList.add("faded"); }, 5000);
  }

  function fieldName(control) {
    const label = control.closest("label") || (control.id && root.querySelector('label[for="' + control.id + '"]'));
    const text = label ? (label.firstChild && label.firstChild.nodeType === Node.TEXT_NODE ? label.firstChild.textContent : label.textContent) : "";
    return text.trim() || control.getAttribute("aria-label") || control.name || "This field";
  }

  let errorCount = 0;

  function clearError(control) {
    if (!control) return;
    const id = control.dataset.errorId;
    const box = id && document.getElementById(id);
    if (box) box.remove();
    if (id) {
      const rest = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (part) {
        return part && part !== id;
      });
      if (rest.length) control.setAttribute("aria-describedby", rest.join(" "));
      else control.removeAttribute("aria-describedby");
      delete control.dataset.errorId;
    }
    control.removeAttribute("aria-invalid");
  }

  // The message beside the control it concerns, naming the field ("Sets: …"), and read out.
  function showFieldError(control, message) {
    clearError(control);
    const box = document.createElement("p");
    box.className = "field-error";
    box.id = "builder-error-" + ++errorCount;
    const named = fieldName(control) + ": " + message;
    box.textContent = named;
    const after = control.closest("label") || control;
    after.insertAdjacentElement("afterend", box);
    control.dataset.errorId = box.id;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", ((control.getAttribute("aria-describedby") || "") + " " + box.id).trim());
    say("Not saved. " + named, true);
  }

  // The control an API error names (`fields: {name: [message]}`) within `scope`, else `fallback`.
  function errorControl(scope, error, fallback) {
    const fields = (error.data && error.data.fields) || {};
    const name = Object.keys(fields)[0];
    if (!name || !scope) return fallback;
    const selector = '[data-field="' + name + '"], [data-day-field="' + name + '"], [name="' + name + '"]';
    return scope.querySelector(selector) || fallback;
  }

  function markSaved(control) {
    clearError(control);
    control.classList.add("saved");
    setTimeout(function () { control.classList.remove("saved"); }, 2000);
  }

  function valueOf(input) {
    if (input.type === "checkbox") return input.checked;
    if (input.value === "") return input.type === "number" || input.tagName === "SELECT" ? null : "";
    return input.type === "number" ? Number(input.value) : input.value;
  }

  // An emptied dose field is not stored: the stage gives it (its value is the placeholder).
  function fromStage(input) {
    return "Saved. " + fieldName(input) + ": from the stage (" + input.placeholder + ").";
  }

  function dayList(numbers) {
    const words = numbers.map(String);
    const list = words.length > 1 ? words.slice(0, -1).join(", ") + " and " + words[words.length - 1] : words[0];
    return (numbers.length > 1 ? "Days " : "Day ") + list;
  }

  // Copying replaces what the days hold: ask first when any of them holds exercises.
  function replaceConfirmed(numbers, source) {
    const held = numbers.filter(function (n) {
      return document.querySelector("#day-" + n + " [data-prescription]");
    });
    if (!held.length) return true;
    return window.confirm(
      dayList(held) + (held.length > 1 ? " already hold" : " already holds") +
      " exercises. Copying " + source + " replaces them. Copy anyway?"
    );
  }

  // --- dose and stage of a prescription, and the day's own fields ---------------------------

  root.addEventListener("change", async function (event) {
    const input = event.target;
    const row = input.closest("[data-prescription]");
    const card = input.closest("[data-day]");
    let message = "Saved.";
    try {
      if (row && input.dataset.field) {
        const body = {};
        body[input.dataset.field] = valueOf(input);
        await api("PATCH", "/api/v1/prescriptions/" + row.dataset.prescription + "/", body);
        markSaved(input);
        if (input.dataset.field === "stage") {
          // The day is drawn again with the stage's dose; the stage's control keeps the focus.
          await refreshDay(card.dataset.day, focusKey(input));
          const shown = document.querySelector("#stage-dose-" + row.dataset.prescription);
          message = shown ? "Saved. " + shown.firstChild.textContent.trim() : "Saved.";
        } else {
          message = body[input.dataset.field] === null && input.placeholder ? fromStage(input) : "Saved.";
        }
      } else if (card && input.dataset.dayField) {
        const body = {};
        body[input.dataset.dayField] = valueOf(input);
        await api("PATCH", "/api/v1/program-days/" + card.dataset.day + "/", body);
        markSaved(input);
        if (input.dataset.dayField !== "title") await refreshDay(card.dataset.day, focusKey(input));
        message = "Saved.";
      } else {
        return;
      }
      await refreshWarnings();
      say(message);
    } catch (error) {
      showFieldError(errorControl(row || card, error, input), error.message);
    }
  });

  // --- move, remove, add from the picker, remove a block -------------------------------------

  root.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const row = button.closest("[data-prescription]");
    const card = button.closest("[data-day]");
    let message = "";
    try {
      if (button.dataset.action === "remove" && row) {
        const name = row.querySelector(".prescription-name a").textContent;
        if (!window.confirm("Remove " + name + " from day " + card.dataset.number + "?")) return;
        // Focus goes to the next exercise, else the one before, else the day's heading.
        const neighbour = row.nextElementSibling || row.previousElementSibling;
        const next = neighbour
          ? '[data-prescription="' + neighbour.dataset.prescription + '"] .prescription-name a'
          : "#day-" + card.dataset.number + "-heading";
        await api("DELETE", "/api/v1/prescriptions/" + row.dataset.prescription + "/");
        await refreshDay(card.dataset.day, next);
        message = name + " removed from day " + card.dataset.number + ".";
      } else if ((button.dataset.action === "up" || button.dataset.action === "down") && row) {
        const ids = Array.from(card.querySelectorAll("[data-prescription]")).map(function (el) {
          return Number(el.dataset.prescription);
        });
        const index = ids.indexOf(Number(row.dataset.prescription));
        const swap = button.dataset.action === "up" ? index - 1 : index + 1;
        if (swap < 0 || swap >= ids.length) {
          say("Already " + (swap < 0 ? "first" : "last") + " on day " + card.dataset.number + ".");
          return;
        }
        ids[index] = ids[swap];
        ids[swap] = Number(row.dataset.prescription);
        await api("POST", "/api/v1/program-days/" + card.dataset.day + "/reorder/", { ids: ids });
        // Focus stays on the moved exercise's button, so it can be moved again.
        await refreshDay(card.dataset.day, focusKey(button));
        const name = row.querySelector(".prescription-name a").textContent;
        message = "Saved. " + name + " is now " + (swap + 1) + " of " + ids.length + " on day " + card.dataset.number + ".";
      } else if (button.dataset.action === "remove-block") {
        const item = button.closest("[data-block]");
        const name = item.querySelector("strong").textContent;
        if (!window.confirm("Remove the block “" + name + "”? The days keep their exercises.")) return;
        await api("DELETE", "/api/v1/blocks/" + item.dataset.block + "/");
        await refreshParts({ blocks: true, weeks: weeksOf(Number(item.dataset.start), Number(item.dataset.end)) });
        focusOn("#blocks-title");
        message = "Saved. The block “" + name + "” was removed.";
      } else if (button.dataset.action === "pick") {
        const body = { day: Number(card.dataset.day), exercise: Number(button.dataset.exercise) };
        await api("POST", "/api/v1/prescriptions/", body);
        await refreshDay(card.dataset.day, "#picker-" + card.dataset.day);
        message = button.textContent + " added to day " + card.dataset.number + ".";
      } else {
        return;
      }
      await refreshWarnings();
      say(message);
    } catch (error) {
      const control = button.dataset.action === "pick" && card ? card.querySelector("[data-picker]") : button;
      showFieldError(control, error.message);
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

  // --- copy a day, copy a week, add a block: the page updates in place -------------------------

  root.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!form.matches("[data-duplicate-day], [data-copy-week], [data-add-block]")) return;
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form).entries());
    const submit = form.querySelector('[type="submit"]');
    Array.from(form.elements).forEach(clearError);
    let message = "";
    try {
      if (form.matches("[data-duplicate-day]")) {
        const card = form.closest("[data-day]");
        const source = Number(card.dataset.number);
        const field = form.querySelector('[name="to_days"]');
        const written = parseDays(fields.to_days || "");
        const days = written.filter(function (n) { return n !== source; });
        if (!days.length) {
          showFieldError(field, written.length ? "Choose days other than day " + source + "." : "Write day numbers such as 2-7, 9.");
          return;
        }
        if (!replaceConfirmed(days, "day " + source)) {
          say("Nothing was copied.");
          return;
        }
        await api("POST", "/api/v1/program-days/" + card.dataset.day + "/duplicate/", { to_days: days });
        await refreshParts({ days: days });
        field.value = "";
        message = "Saved. Day " + source + " copied to " + dayList(days).toLowerCase() + ".";
      } else if (form.matches("[data-copy-week]")) {
        const from = Number(fields.from_week);
        const to = Number(fields.to_week);
        const lighter = Boolean(fields.lighter);
        const target = root.querySelector('[data-week="' + to + '"]');
        const numbers = target ? Array.from(target.querySelectorAll("[data-day]")).map(function (el) {
          return Number(el.dataset.number);
        }) : [];
        if (!replaceConfirmed(numbers, "week " + from)) {
          say("Nothing was copied.");
          return;
        }
        await api("POST", "/api/v1/programs/" + programId + "/copy-week/", {
          from_week: from,
          to_week: to,
          lighter: lighter,
        });
        await refreshParts({ weeks: [to] });
        message = "Saved. Week " + from + " copied onto week " + to + (lighter ? " as a lighter week." : ".");
      } else {
        const start = Number(fields.start);
        const end = Number(fields.end);
        const block = await api("POST", "/api/v1/blocks/", {
          program: Number(programId),
          name: fields.name,
          focus: fields.focus,
          start: start,
          end: end,
        });
        await refreshParts({ blocks: true, weeks: weeksOf(start, end) });
        focusOn("#block-" + block.id);
        message = "Saved. Block “" + block.name + "” added.";
      }
      await refreshWarnings();
      say(message);
    } catch (error) {
      showFieldError(errorControl(form, error, submit), error.message);
    }
  });
})();

// "Jump to" a week or a day: its heading takes the focus, so reading and tabbing go on from there.
(function () {
  "use strict";
  // Listened to on the document: the builder draws the control again when its weeks change.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("[data-jump]")) return;
    event.preventDefault();
    const to = form.elements.to.value;
    const heading = document.getElementById(to.indexOf("day-") === 0 ? to + "-heading" : to);
    if (!heading) return;
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
    history.replaceState(null, "", "#" + (to.indexOf("day-") === 0 ? to : to + "-section"));
  });
})();
