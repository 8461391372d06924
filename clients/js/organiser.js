// @ts-check
// The organiser console: the agenda (import a scenario file, or question by question),
// open/close, what the plenary shows, join codes and printable QR sheets, live results
// with every counting method, exports (PDF, Excel, CSV, JSON, charts) and the audit.
// This page opens the session and the socket and draws the tabs; each tab is a module of
// its own (organiser-agenda, -plenary, -results, -exports, -codes, and tables.js), and
// the state they share is in organiser-app.js.

import { ApiError, api } from "./api.js";
import { Connection } from "./connection.js";
import { $, h, clear, toast } from "./dom.js";
import { t, pick, errorText, setTimeZone } from "./i18n.js";
import { fragment, savedSession, saveSession, forgetSession, sessionLost } from "./session.js";
import { startPage, statusBar, need } from "./ui.js";
import { drawTablesTab as drawTablesTabInto } from "./tables.js";
import { app, hooks, call } from "./organiser-app.js";
import { drawAgendaTab, drawAgendaRows } from "./organiser-agenda.js";
import { drawPlenaryTab } from "./organiser-plenary.js";
import { drawResultsTab, drawResults } from "./organiser-results.js";
import { drawExportsTab } from "./organiser-exports.js";
import { drawCodesTab } from "./organiser-codes.js";
/** @import { Session, Welcome, ServerEvent } from "./types.js" */

const TABS = ["agenda", "plenary", "results", "tables", "codes", "exports"];

hooks.render = render;
hooks.refresh = refresh;

async function main() {
  await startPage();
  const { token } = fragment();
  if (token) {
    saveSession({ token, role: "organiser", meeting: token.split(".")[0] });
    history.replaceState(null, "", location.pathname);
  }
  const session = savedSession("organiser");
  window.addEventListener("langchange", () => render());
  if (!session) return drawSetup();
  app.session = session;
  await startConsole();
}

async function startConsole() {
  const leave = need("#leave");
  leave.classList.remove("hidden");
  leave.onclick = () => {
    if (!confirm(t("organiser.leave_confirm"))) return;
    forgetSession("organiser");
    location.href = "/app/organiser.html";
  };
  app.conn = new Connection({
    token: app.session.token,
    onWelcome,
    onEvent,
    onError: (e) => toast(errorText(e.code, e.message), "error"),
    onFatal: sessionLost("organiser"),
  });
  statusBar({ connection: app.conn });
  await refresh();
  app.conn.start();
  // a safety net only: new questions arrive as question_added events
  setInterval(() => refresh(false), 30000);
}

/** @param {boolean} [draw]  false: the agenda's rows only */
async function refresh(draw = true) {
  try {
    const m = await call("GET", `/api/meetings/${app.session.meeting}`);
    app.meeting = m;
    setTimeZone(m.time_zone);
    app.questions = m.questions;
    app.codes = m.codes;
    app.plenary = m.plenary || app.plenary;
    if (draw) render();
    else drawAgendaRows();
  } catch (err) {
    if (err.code === "unauthorized" || err.code === "forbidden") {
      forgetSession("organiser");
      return drawSetup(err);
    }
    toast(errorText(err.code, err.detail), "error");
  }
}

/** @param {Welcome} welcome */
function onWelcome(welcome) {
  if (!app.meeting) refresh(); // the page opened while the server was out of reach
  for (const r of welcome.state.results || []) app.results[r.question] = r;
  app.plenary = welcome.state.plenary || app.plenary;
  if (welcome.state.questions?.length) {
    const known = new Map(app.questions.map((q) => [q.id, q]));
    for (const q of welcome.state.questions) known.set(q.id, q);
    app.questions = [...known.values()];
  }
  render();
}

/** @param {ServerEvent} message */
function onEvent(message) {
  if (message.event === "results") {
    app.results[message.results.question] = message.results;
    if (app.tab === "results" && message.results.question === app.selected && !app.method) drawResults();
    drawAgendaRows();
  } else if (message.event === "question_updated") {
    // its IAP2 level marked: the event has the definition, the state stays as it is
    const i = app.questions.findIndex((x) => x.id === message.question.id);
    if (i >= 0) app.questions[i] = { ...message.question, state: app.questions[i].state };
    drawAgendaRows();
  } else if (message.event === "question_added" || message.event === "question_opened" || message.event === "question_closed") {
    const q = message.question;
    const i = app.questions.findIndex((x) => x.id === q.id);
    if (i >= 0) app.questions[i] = q;
    else app.questions.push(q);
    drawAgendaRows();
    if (app.tab === "results") drawResults();
  } else if (message.event === "plenary") {
    app.plenary = message.view;
    drawAgendaRows();
    if (app.tab === "plenary") render();
  }
}

// --- setup: create a meeting, or open one ------------------------------------------------

/** @param {{code: string, detail: string}} [error] */
function drawSetup(error) {
  $("#tabs").classList.add("hidden");
  const adminToken = h("input", { id: "admin-token", type: "password", autocomplete: "off", class: "input" });
  adminToken.value = sessionStorage.getItem("pk.admin") || "";
  const file = h("input", { id: "scenario-file", type: "file", accept: "application/json,.json", class: "input", "aria-label": t("organiser.from_file") });
  const title = h("input", { id: "new-title", class: "input" });
  const tables = h("input", { id: "new-tables", type: "number", min: "1", max: "2000", value: "10", class: "input input-short" });
  const seats = h("input", { id: "new-seats", type: "number", min: "1", max: "50", value: "10", class: "input input-short" });
  const seatCodes = h("input", { id: "new-seat-codes", type: "checkbox", checked: true });
  const message = h("p", { class: "form-error", role: "alert" });
  if (error) message.textContent = errorText(error.code, error.detail);
  const create = h(
    "form",
    { class: "card setup-card", id: "create-form" },
    h("h2", {}, t("organiser.create_title")),
    field("organiser.admin_token", adminToken),
    h("fieldset", {}, h("legend", {}, t("organiser.from_file")), file, h("p", { class: "hint" }, t("organiser.from_file_hint"))),
    h("fieldset", {}, h("legend", {}, t("organiser.or_quick")),
      field("organiser.meeting_title", title),
      h("div", { class: "row" }, field("organiser.tables", tables), field("organiser.seats", seats)),
      h("label", { class: "check" }, seatCodes, t("organiser.seat_codes"))),
    message,
    h("button", { type: "submit", class: "btn btn-primary btn-xl", id: "create" }, t("organiser.create")),
  );
  create.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    sessionStorage.setItem("pk.admin", adminToken.value.trim());
    let body;
    try {
      const chosen = file.files?.[0];
      if (chosen) body = JSON.parse(await chosen.text());
      else {
        if (!title.value.trim()) throw new ApiError("bad_message", t("organiser.need_title"));
        body = { title: title.value.trim(), language: "th", tables: { count: Number(tables.value), seats: Number(seats.value) }, seat_codes: seatCodes.checked };
      }
    } catch (err) {
      message.textContent = err instanceof ApiError ? err.detail : t("organiser.bad_file");
      return;
    }
    try {
      const created = await api("POST", "/api/meetings", { token: adminToken.value.trim(), body });
      /** @type {Session} */
      const session = { token: created.organiser, role: "organiser", meeting: created.id };
      saveSession(session);
      app.session = session;
      toast(t("organiser.created"), "ok");
      await startConsole();
    } catch (err) {
      message.textContent = errorText(err.code, err.detail);
    }
  });
  const tokenInput = h("input", { id: "organiser-token", type: "password", autocomplete: "off", class: "input" });
  const open = h(
    "form",
    { class: "card setup-card", id: "open-form" },
    h("h2", {}, t("organiser.open_title")),
    field("organiser.organiser_token", tokenInput),
    h("button", { type: "submit", class: "btn btn-secondary btn-xl" }, t("organiser.open")),
  );
  open.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token.includes(".")) return;
    /** @type {Session} */
    const session = { token, role: "organiser", meeting: token.split(".")[0] };
    saveSession(session);
    app.session = session;
    await startConsole();
  });
  clear($("#main")).append(h("div", { class: "setup" }, create, open));
}

/** @param {string} key @param {HTMLInputElement} input */
function field(key, input) {
  const id = input.id;
  return h("div", { class: "field" }, h("label", { for: id }, t(key)), input);
}

// --- the console ---------------------------------------------------------------------------

function render() {
  if (!app.meeting) return;
  $("#where").textContent = pick(app.meeting.title);
  document.title = `${t("app.name")} · ${t("organiser.title")}`;
  const tabs = clear($("#tabs"));
  tabs.classList.remove("hidden");
  for (const name of TABS) {
    const b = h("button", { type: "button", role: "tab", class: "tab", "data-tab": name, "aria-selected": String(app.tab === name) }, t(`organiser.tab_${name}`));
    b.addEventListener("click", () => {
      app.tab = name;
      localStorage.setItem("pk.organiser.tab", name);
      render();
    });
    tabs.append(b);
  }
  clearInterval(app.poll);
  const main = clear($("#main"));
  if (app.tab === "plenary") drawPlenaryTab(main);
  else if (app.tab === "results") drawResultsTab(main);
  else if (app.tab === "tables") drawTablesTab(main);
  else if (app.tab === "codes") drawCodesTab(main);
  else if (app.tab === "exports") drawExportsTab(main);
  else drawAgendaTab(main);
}

// tables: who is connected, and how many seats of each table voted on each open question
// (tables.js: a filter for the tables that need help, tiles updated in place)

/** @param {HTMLElement} main */
function drawTablesTab(main) {
  app.poll = drawTablesTabInto(main, { call, meeting: () => app.meeting, questions: () => app.questions, shown: () => app.tab === "tables" });
}

main();
