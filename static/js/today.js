// Today: hold timers, a metronome, steppers, and logging through /api/v1/logs/.
//
// Every set (and every finish or skip of a session) goes into a queue kept in this browser
// before it is sent, with its Idempotency-Key and a client_uuid per set: a set logged without
// a connection waits there and is sent when the connection comes back (or the page is opened
// again), and a retry of something the server already stored is answered from its first
// response, so nothing is stored twice. The queue belongs to the person who logged it: it is
// kept under their user id, and sent only after the server says that the login in this
// browser is still theirs (a phone may be shared; a login may have expired).
(function () {
  "use strict";
  const root = document.getElementById("today");
  if (!root || !window.fetch || !window.JSON) return;

  const userId = root.dataset.user;
  const on = root.dataset.on;
  const QUEUE_KEY = "coach.today.queue." + userId;
  const SOUND_KEY = "coach.today.metronome-sound";
  const statusLine = root.querySelector("[data-sync-status]");
  const SIDES = { left: "Left", right: "Right", both: "" };

  // --- small helpers ------------------------------------------------------------------------

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function csrfToken() {
    // The cookie holds the current token even after a new login in another tab.
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : root.dataset.csrf;
  }

  function clock(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function number(value) {
    if (value === "" || value === null || value === undefined) return null;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  // The same words as templates/training/_set_log.html.
  function setText(set) {
    let amount = [];
    if (set.reps !== null && set.reps !== undefined) amount.push(plural(set.reps, "rep"));
    if (set.hold_seconds !== null && set.hold_seconds !== undefined) amount.push(set.hold_seconds + " s");
    let text = amount.join(", ");
    if (set.load !== null && set.load !== undefined && set.load !== "") {
      text += " @ " + String(Number(set.load)) + " " + (set.load_unit || "");
      text = text.trim();
    }
    const parts = ["Set " + set.set_number];
    if (SIDES[set.side]) parts.push(SIDES[set.side]);
    parts.push(text || "done");
    if (set.form) parts.push("form " + set.form + "/5");
    if (set.rpe) parts.push("effort " + set.rpe);
    if (set.is_late) parts.push("late");
    return parts.join(" · ");
  }

  // --- sound, vibration, keeping the screen awake -------------------------------------------

  let audio = null;
  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function beep(frequency, milliseconds) {
    const context = audioContext();
    if (!context) return;
    const start = context.currentTime;
    const end = start + (milliseconds || 150) / 1000;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency || 880;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.5, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(end + 0.02);
  }

  function vibrate(pattern) {
    if (navigator.vibrate) navigator.vibrate(pattern);
  }

  let wakeLock = null;
  let awakeWanted = 0;
  async function requestWakeLock() {
    if (wakeLock || awakeWanted <= 0 || !("wakeLock" in navigator)) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", function () { wakeLock = null; });
    } catch (error) {
      wakeLock = null; // refused (battery saver, hidden page): the timer runs all the same
    }
  }
  function keepAwake(on) {
    awakeWanted = Math.max(0, awakeWanted + (on ? 1 : -1));
    if (awakeWanted > 0) requestWakeLock();
    else if (wakeLock) { wakeLock.release(); wakeLock = null; }
  }
  document.addEventListener("visibilitychange", function () {
    // The browser lets the lock go when the page is hidden; take it again on return.
    if (document.visibilityState === "visible") requestWakeLock();
  });

  // --- the queue ----------------------------------------------------------------------------

  let memoryQueue = [];
  function loadQueue() {
    try {
      const stored = JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return memoryQueue;
    }
  }
  function saveQueue(queue) {
    memoryQueue = queue;
    try {
      if (queue.length) localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
      else localStorage.removeItem(QUEUE_KEY);
    } catch (error) {
      // Storage full or refused: the queue lives as long as this page.
    }
  }
  function enqueue(entry) {
    const queue = loadQueue();
    queue.push(entry);
    saveQueue(queue);
  }
  function dequeue(key) {
    saveQueue(loadQueue().filter(function (entry) { return entry.key !== key; }));
  }

  // "offline", "expired" (log in again), "other" (someone else is logged in), "retry", "".
  let problem = "";
  let sentCount = 0;
  let refusedMessages = [];

  function renderStatus() {
    const waiting = loadQueue().length;
    statusLine.replaceChildren();
    statusLine.classList.toggle("has-waiting", waiting > 0);
    statusLine.classList.toggle("has-problem", waiting > 0 && problem !== "");
    if (waiting) {
      let text = waiting + " waiting";
      if (problem === "offline") text += " · no connection: sent when you are back online";
      else if (problem === "expired") text += " · your login has expired: ";
      else if (problem === "other") text += " · this browser is logged in as someone else now: ";
      else if (problem === "retry") text += " · the server did not answer; trying again soon";
      else text += " · sending…";
      statusLine.append(text);
      if (problem === "expired" || problem === "other") {
        const link = document.createElement("a");
        link.href = root.dataset.loginUrl;
        link.textContent = problem === "expired"
          ? "log in again to send them"
          : "log in as " + root.dataset.clientName + " to send them";
        statusLine.append(link);
      }
    } else if (sentCount) {
      statusLine.append("All sent · nothing waiting");
    }
    refusedMessages.forEach(function (message) {
      const line = document.createElement("span");
      line.className = "refused";
      line.textContent = message;
      statusLine.append(" ", line);
    });
  }

  function loginLost(response) {
    if (response.status === 401 || response.status === 403) return true;
    return response.redirected && new URL(response.url).pathname.indexOf("/login") !== -1;
  }

  async function whoIsLoggedIn() {
    let response;
    try {
      response = await fetch(root.dataset.loginCheckUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      return "offline";
    }
    if (loginLost(response)) return "expired";
    if (!response.ok) return "retry";
    const body = await response.json().catch(function () { return null; });
    if (!body) return "retry";
    return String(body.user) === userId ? "" : "other";
  }

  async function send(entry) {
    return fetch(entry.url, {
      method: entry.method,
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
        "Idempotency-Key": entry.key,
      },
      body: JSON.stringify(entry.body),
    });
  }

  function errorText(body) {
    if (!body) return "The server refused it.";
    const fields = body.fields || {};
    const first = Object.keys(fields)[0];
    if (first && fields[first] && fields[first].length) return String(fields[first][0]);
    return body.message || "The server refused it.";
  }

  let flushing = false;
  let flushAgain = false;

  // Send what waits, oldest first. Returns whether a replayed answer left the page stale.
  async function sendWaiting() {
    let stale = false;
    for (;;) {
      const entry = loadQueue()[0];
      if (!entry) break;
      let response;
      try {
        response = await send(entry);
      } catch (error) {
        problem = "offline";
        break;
      }
      if (loginLost(response)) { problem = "expired"; break; }
      const body = await response.json().catch(function () { return null; });
      if (response.ok) {
        dequeue(entry.key);
        sentCount += 1;
        // A replayed answer is the session as it was when first stored: read it afresh.
        if (response.headers.get("Idempotent-Replayed")) stale = true;
        else applySession(body);
      } else if (response.status === 400 || response.status === 409) {
        // Refused for good (a bad value, a day that is not a day of the program): keeping it
        // would hold back everything behind it. Say what it was and why.
        dequeue(entry.key);
        refusedMessages.push(entry.label + " was not logged: " + errorText(body));
        renderPending();
      } else {
        problem = "retry";
        break;
      }
    }
    return stale;
  }

  async function flushNow() {
    if (!loadQueue().length) { problem = ""; return; }
    if (navigator.onLine === false) { problem = "offline"; return; }
    problem = await whoIsLoggedIn();
    if (problem) return;
    if ((await sendWaiting()) && !problem) await refreshPlan();
  }

  // The day as the server has it now (GET /api/v1/clients/{id}/plan/?date=).
  async function refreshPlan() {
    try {
      const response = await fetch(root.dataset.planUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const plan = await response.json();
      (plan.assignments || []).forEach(function (day) {
        if (day.session) applySession(day.session);
      });
    } catch (error) {
      // Offline again: the page keeps what it shows.
    }
  }

  async function flush() {
    if (flushing) { flushAgain = true; return; }
    flushing = true;
    try {
      do {
        flushAgain = false;
        if (navigator.locks) {
          // One tab of this browser sends at a time.
          await navigator.locks.request(QUEUE_KEY, flushNow);
        } else {
          await flushNow();
        }
      } while (flushAgain && !problem);
    } finally {
      flushing = false;
      renderStatus();
      renderPending();
    }
  }

  // --- what the page shows of logs ------------------------------------------------------------

  const plans = Array.from(root.querySelectorAll("[data-plan]"));
  const serverSets = new Map(); // item element -> sets known to the server, or null (as rendered)

  function itemsOf(plan) {
    return Array.from(plan.querySelectorAll("[data-item]"));
  }

  function planOf(assignment) {
    return plans.find(function (plan) { return plan.dataset.assignment === String(assignment); });
  }

  function pendingFor(plan, item) {
    return loadQueue().filter(function (entry) {
      return entry.body.on === on && String(entry.body.assignment) === plan.dataset.assignment;
    }).flatMap(function (entry) {
      return (entry.body.sets || []).filter(function (set) {
        return !item || String(set.prescription) === item.dataset.prescription;
      });
    });
  }

  function renderList(plan, item) {
    const list = item.querySelector("[data-logged]");
    if (!list) return;
    const known = serverSets.get(item);
    if (known) {
      list.replaceChildren();
      known.forEach(function (set) {
        const li = document.createElement("li");
        li.dataset.side = set.side;
        li.textContent = setText(set);
        list.append(li);
      });
    }
    list.querySelectorAll("[data-pending]").forEach(function (li) { li.remove(); });
    pendingFor(plan, item).forEach(function (set) {
      const li = document.createElement("li");
      li.dataset.side = set.side;
      li.dataset.pending = "";
      li.className = "pending";
      li.textContent = setText(set) + " · waiting to be sent";
      list.append(li);
    });
    const empty = list.querySelector("[data-none]");
    const any = list.querySelector("li:not([data-none])");
    if (empty && any) empty.remove();
    if (!any && !empty) {
      const li = document.createElement("li");
      li.className = "muted";
      li.dataset.none = "";
      li.textContent = "Nothing yet.";
      list.append(li);
    }
  }

  function renderSessionPending(plan) {
    const status = plan.querySelector("[data-session-status]");
    if (!status) return;
    const waiting = loadQueue().filter(function (entry) {
      return entry.body.on === on && String(entry.body.assignment) === plan.dataset.assignment && entry.body.status;
    });
    status.querySelectorAll("[data-pending]").forEach(function (span) { span.remove(); });
    if (waiting.length) {
      const span = document.createElement("span");
      span.dataset.pending = "";
      span.className = "pending";
      span.textContent = " · " + waiting[waiting.length - 1].label + ", waiting to be sent";
      status.append(span);
    }
  }

  function renderPending() {
    plans.forEach(function (plan) {
      itemsOf(plan).forEach(function (item) { renderList(plan, item); });
      renderSessionPending(plan);
    });
  }

  const STATUS_WORDS = { open: "In progress", done: "Done", partial: "Partly done", skipped: "Skipped" };

  function applySession(session) {
    if (!session || session.on !== on) return;
    const plan = planOf(session.assignment);
    if (!plan) return;
    const alive = (session.sets || []).filter(function (set) { return !set.deleted_at; });
    itemsOf(plan).forEach(function (item) {
      serverSets.set(item, alive.filter(function (set) {
        return String(set.prescription) === item.dataset.prescription ||
          (set.prescription === null && String(set.exercise) === item.dataset.exercise);
      }));
    });
    const status = plan.querySelector("[data-session-status]");
    if (status) {
      let text = STATUS_WORDS[session.status] || session.status;
      if (session.status === "skipped" && session.skip_reason) text += ": " + session.skip_reason;
      if (session.is_late) text += " · logged late";
      status.textContent = text;
    }
  }

  // --- steppers ------------------------------------------------------------------------------

  function addSteppers(scope) {
    scope.querySelectorAll("input[data-step]").forEach(function (input) {
      const label = scope.querySelector("label[for='" + input.id + "']");
      const name = label ? label.textContent.trim() : input.name;
      const step = Number(input.dataset.step) || 1;
      const make = function (sign, text, words) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "step-button";
        button.textContent = text;
        button.setAttribute("aria-label", words + " " + name.toLowerCase());
        button.addEventListener("click", function () {
          let value = number(input.value);
          if (value === null) {
            value = number(input.dataset.start);
            if (value === null) value = sign > 0 ? step : 0;
          } else {
            value += sign * step;
          }
          const min = number(input.min);
          const max = number(input.max);
          if (min !== null) value = Math.max(min, value);
          if (max !== null) value = Math.min(max, value);
          input.value = String(Math.round(value * 10) / 10);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        });
        return button;
      };
      const group = document.createElement("div");
      group.className = "step-group";
      input.replaceWith(group);
      group.append(make(-1, "−", "Less"), input, make(1, "+", "More"));
    });
  }

  // --- logging -------------------------------------------------------------------------------

  const held = new Map(); // item element -> {left: s, right: s, both: s} held on the timer

  function nextSetNumber(plan, item, side) {
    const list = item.querySelector("[data-logged]");
    const logged = list ? list.querySelectorAll("li[data-side='" + side + "']").length : 0;
    return logged + 1;
  }

  function labelButtons(item) {
    const times = held.get(item) || {};
    item.querySelectorAll("button[data-side]").forEach(function (button) {
      const side = button.dataset.side;
      const base = side === "both" ? "Log set" : "Log " + side;
      button.textContent = times[side] !== undefined ? base + " · held " + times[side] + " s" : base;
    });
  }

  function logSet(plan, item, form, side) {
    const value = function (name) {
      const input = form.elements.namedItem(name);
      return input ? number(input.value) : null;
    };
    const times = held.get(item) || {};
    const set = {
      prescription: Number(item.dataset.prescription),
      set_number: nextSetNumber(plan, item, side),
      side: side,
      client_uuid: uuid4(),
    };
    const values = {
      reps: value("reps"),
      hold_seconds: times[side] !== undefined ? times[side] : value("hold_seconds"),
      load: value("load"),
      form: value("form"),
      rpe: value("rpe"),
    };
    Object.keys(values).forEach(function (name) {
      if (values[name] !== null) set[name] = values[name];
    });
    if (set.load !== undefined) {
      set.load = String(set.load);
      const unit = form.elements.namedItem("load_unit");
      if (unit && unit.value) set.load_unit = unit.value;
    }
    delete times[side];
    labelButtons(item);
    const name = item.querySelector("h3").textContent.trim();
    enqueue({
      key: uuid4(),
      url: root.dataset.logsUrl,
      method: "POST",
      label: name + ", set " + set.set_number + (SIDES[side] ? " " + side : ""),
      body: { assignment: Number(plan.dataset.assignment), on: on, sets: [set] },
      created: new Date().toISOString(),
    });
    renderList(plan, item);
    renderStatus();
    flush();
  }

  function saveSession(plan, form, status) {
    const body = { assignment: Number(plan.dataset.assignment), on: on, status: status };
    const effort = form.elements.namedItem("effort");
    const note = form.elements.namedItem("note");
    const reason = form.elements.namedItem("skip_reason");
    if (effort && number(effort.value) !== null) body.effort = number(effort.value);
    if (note && note.value.trim()) body.note = note.value.trim();
    if (reason && reason.value.trim()) body.skip_reason = reason.value.trim();
    enqueue({
      key: uuid4(),
      url: root.dataset.logsUrl,
      method: "POST",
      label: status === "skipped" ? "Skipped" : STATUS_WORDS[status] || status,
      body: body,
      created: new Date().toISOString(),
    });
    const details = form.closest("details");
    if (details) details.open = false;
    renderSessionPending(plan);
    renderStatus();
    flush();
  }

  // --- the hold timer ------------------------------------------------------------------------

  function setUpTimer(item) {
    const box = item.querySelector("[data-timer]");
    if (!box) return;
    const hold = number(item.dataset.hold) || 0;
    const rest = number(item.dataset.rest) || 0;
    const perSide = item.dataset.perSide === "true";
    const phases = perSide
      ? [{ name: "Left", side: "left", seconds: hold }, { name: "Right", side: "right", seconds: hold }]
      : [{ name: "Hold", side: "both", seconds: hold }];
    if (rest) phases.push({ name: "Rest", side: null, seconds: rest });
    const phaseLine = box.querySelector("[data-timer-phase]");
    const digits = box.querySelector("[data-timer-digits]");
    const startButton = box.querySelector("[data-timer-start]");
    const stopButton = box.querySelector("[data-timer-stop]");
    let index = -1;
    let phaseStarted = 0;
    let ticker = null;

    function show(phase, secondsLeft) {
      phaseLine.textContent = phase;
      digits.textContent = clock(secondsLeft);
    }
    function record(side, seconds) {
      if (!side) return;
      const times = held.get(item) || {};
      times[side] = Math.round(seconds);
      held.set(item, times);
      labelButtons(item);
    }
    function begin(next) {
      index = next;
      phaseStarted = Date.now();
      show(phases[index].name, phases[index].seconds);
    }
    function finish(text) {
      clearInterval(ticker);
      ticker = null;
      index = -1;
      keepAwake(false);
      phaseLine.textContent = text;
      digits.textContent = clock(0);
      startButton.hidden = false;
      startButton.textContent = "Start again";
      stopButton.hidden = true;
      startButton.focus();
    }
    function tick() {
      const phase = phases[index];
      const left = phase.seconds - (Date.now() - phaseStarted) / 1000;
      if (left > 0) {
        digits.textContent = clock(left);
        return;
      }
      record(phase.side, phase.seconds);
      if (index + 1 < phases.length) {
        beep(phase.side ? 880 : 660, 200);
        vibrate(200);
        begin(index + 1);
      } else {
        beep(990, 450);
        vibrate([200, 100, 200]);
        finish(perSide ? "Done: log each side below" : "Done: log the set below");
      }
    }
    startButton.addEventListener("click", function () {
      audioContext(); // a tap lets the page make sound later
      held.delete(item);
      labelButtons(item);
      keepAwake(true);
      startButton.hidden = true;
      stopButton.hidden = false;
      begin(0);
      ticker = setInterval(tick, 200);
      stopButton.focus();
    });
    stopButton.addEventListener("click", function () {
      if (index >= 0) {
        const phase = phases[index];
        record(phase.side, Math.min(phase.seconds, (Date.now() - phaseStarted) / 1000));
      }
      finish("Stopped");
    });
    digits.textContent = clock(hold);
    box.hidden = false;
  }

  // --- the metronome -------------------------------------------------------------------------

  const PHASE_NAMES = ["Lower", "Pause", "Lift", "Pause"];
  let soundOn = false;
  try { soundOn = localStorage.getItem(SOUND_KEY) === "on"; } catch (error) { soundOn = false; }

  function renderSound() {
    root.querySelectorAll("[data-sound-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(soundOn));
      button.querySelector("[data-sound-state]").textContent = soundOn ? "on" : "off";
    });
  }

  // "3-1-1-0": seconds to lower, pause, lift, pause; "30 bpm" or "2 s": a beat each time.
  function beatsOf(tempo) {
    const text = (tempo || "").trim().toLowerCase();
    if (/^\d+(\s*[-–:\/]\s*\d+){1,3}$/.test(text)) {
      const parts = text.split(/\s*[-–:\/]\s*/).map(Number);
      const beats = [];
      parts.forEach(function (seconds, i) {
        if (seconds > 0) beats.push({ seconds: seconds, name: PHASE_NAMES[i], first: i === 0 });
      });
      if (beats.length) return beats;
    }
    const bpm = text.match(/(\d+(?:\.\d+)?)\s*bpm/);
    if (bpm && Number(bpm[1]) > 0) return [{ seconds: 60 / Number(bpm[1]), name: "Rep", first: true }];
    const every = text.match(/(\d+(?:\.\d+)?)\s*s/);
    if (every && Number(every[1]) > 0) return [{ seconds: Number(every[1]), name: "Rep", first: true }];
    return [{ seconds: 2, name: "Rep", first: true }];
  }

  function setUpMetronome(item) {
    const box = item.querySelector("[data-metronome]");
    if (!box) return;
    const beats = beatsOf(item.dataset.tempo);
    const toggle = box.querySelector("[data-metronome-toggle]");
    const beatLine = box.querySelector("[data-metronome-beat]");
    const text = box.querySelector("[data-metronome-text]");
    const resting = text.textContent;
    let ticker = null;
    let index = 0;
    let rep = 0;
    let due = 0;

    function pulse() {
      const beat = beats[index];
      if (beat.first) rep += 1;
      if (soundOn) beep(beat.first ? 1040 : 760, 90);
      text.textContent = "Rep " + rep + " · " + beat.name + (beats.length > 1 ? " " + beat.seconds + " s" : "");
      beatLine.classList.toggle("beat", true);
      beatLine.classList.toggle("beat-first", beat.first);
      setTimeout(function () { beatLine.classList.remove("beat", "beat-first"); }, 150);
      due += beat.seconds * 1000;
      index = (index + 1) % beats.length;
    }
    function tick() {
      while (ticker && Date.now() >= due) pulse();
    }
    toggle.addEventListener("click", function () {
      const running = ticker !== null;
      if (running) {
        clearInterval(ticker);
        ticker = null;
        keepAwake(false);
        text.textContent = resting;
      } else {
        if (soundOn) audioContext();
        index = 0;
        rep = 0;
        due = Date.now();
        ticker = setInterval(tick, 50);
        keepAwake(true);
        tick();
      }
      toggle.setAttribute("aria-pressed", String(!running));
    });
    box.querySelector("[data-sound-toggle]").addEventListener("click", function () {
      soundOn = !soundOn;
      if (soundOn) audioContext();
      try { localStorage.setItem(SOUND_KEY, soundOn ? "on" : "off"); } catch (error) { /* kept for this page */ }
      renderSound();
    });
    box.hidden = false;
  }

  // --- wiring --------------------------------------------------------------------------------

  plans.forEach(function (plan) {
    itemsOf(plan).forEach(function (item) {
      setUpTimer(item);
      setUpMetronome(item);
      const form = item.querySelector("[data-set-form]");
      if (!form) return;
      addSteppers(form);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        const side = (event.submitter && event.submitter.dataset.side) || "both";
        logSet(plan, item, form, side);
      });
    });
    plan.querySelectorAll("[data-session-form]").forEach(function (form) {
      addSteppers(form);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        const chosen = (event.submitter && event.submitter.value) || form.elements.namedItem("status").value;
        saveSession(plan, form, chosen);
      });
    });
  });
  renderSound();

  window.addEventListener("online", function () { problem = ""; flush(); });
  window.addEventListener("offline", function () {
    if (loadQueue().length) problem = "offline";
    renderStatus();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === QUEUE_KEY) { renderStatus(); renderPending(); }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && loadQueue().length) flush();
  });
  // While something waits, try again now and then (a server that did not answer, a signal
  // that came back without an "online" event).
  setInterval(function () {
    if (loadQueue().length && !flushing && navigator.onLine !== false) flush();
  }, 30000);

  renderPending();
  renderStatus();
  flush();
  // Logging now goes through the queue rather than the plain forms.
  root.dataset.ready = "true";
})();
