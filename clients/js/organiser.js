// The organiser console: the agenda (import a scenario file, or question by question),
// open/close, what the plenary shows, join codes and printable QR sheets, live results
// with every counting method, exports (PDF, Excel, CSV, JSON, charts) and the audit.

import { api, ApiError, qrImage, joinUrl, fetchFile, saveBlob } from "./api.js";
import { Connection } from "./connection.js";
import { $, h, clear, toast } from "./dom.js";
import { t, pick, errorText, fmtNumber, fmtPercent, fmtTime, applyI18n, setTimeZone } from "./i18n.js";
import { fragment, savedSession, saveSession, forgetSession, sessionLost } from "./session.js";
import { startPage, statusBar } from "./ui.js";
import { ResultsView, participationText } from "./results.js";
import { kindName } from "./controls.js";
import { levelSelect } from "./iap2.js";
import { drawTablesTab as drawTablesTabInto } from "./tables.js";
import { revealResults, plenaryPreview } from "./reveal.js";

const TABS = ["agenda", "plenary", "results", "tables", "codes", "exports"];
const KINDS = ["single", "multiple", "ranked", "points", "scale", "budget", "demographic"];
const RANKED_METHODS = ["borda", "irv", "schulze"];
const EXPORTS = ["pdf", "xlsx", "csv", "json", "png", "svg"];
const EXPORT_NAMES = { pdf: "PDF", xlsx: "Excel", csv: "CSV", json: "JSON", png: "PNG", svg: "SVG" };
const EXPORT_TIMEOUT_MS = 180000; // a PDF of a big meeting takes seconds, never minutes

const app = {
  session: null,
  conn: null,
  meeting: null,
  questions: [],
  codes: null,
  plenary: { view: "participation" },
  results: {},
  tab: localStorage.getItem("pk.organiser.tab") || "agenda",
  selected: null, // question shown in the results tab
  method: "",
  breakdown: localStorage.getItem("pk.organiser.breakdown") || "",
  resultsView: null,
  groupViews: new Map(),
  poll: null,
  exportLang: localStorage.getItem("pk.organiser.export_lang") || "",
  exporting: {}, // format -> ms when it started
  exported: {}, // format -> {kind: "ok" | "error", key, vars}
  exportTick: null,
  audit: null, // {busy, found, error, at}
};

async function main() {
  await startPage();
  const { token } = fragment();
  if (token) {
    saveSession({ token, role: "organiser", meeting: token.split(".")[0] });
    history.replaceState(null, "", location.pathname);
  }
  app.session = savedSession("organiser");
  window.addEventListener("langchange", () => render());
  if (!app.session) return drawSetup();
  await startConsole();
}

async function startConsole() {
  $("#leave").classList.remove("hidden");
  $("#leave").onclick = () => {
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

function call(method, path, body) {
  return api(method, path, { token: app.session.token, body });
}

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
  } else if (["question_added", "question_opened", "question_closed"].includes(message.event)) {
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
      if (file.files[0]) body = JSON.parse(await file.files[0].text());
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
      saveSession({ token: created.organiser, role: "organiser", meeting: created.id });
      app.session = savedSession("organiser");
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
    saveSession({ token, role: "organiser", meeting: token.split(".")[0] });
    app.session = savedSession("organiser");
    await startConsole();
  });
  clear($("#main")).append(h("div", { class: "setup" }, create, open));
}

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

function stateBadge(state) {
  return h("span", { class: `badge badge-${state}` }, t(`state.${state}`));
}

function plenaryShows(q) {
  const v = app.plenary || {};
  return v.question === q || v.pre === q || v.post === q;
}

async function act(label, fn) {
  try {
    await fn();
    if (label) toast(label, "ok", 2000);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error", 6000);
  }
}

// agenda

function drawAgendaTab(main) {
  main.append(
    h("section", { class: "card" },
      h("div", { class: "card-head" }, h("h2", {}, t("organiser.agenda")), h("span", { class: "hint" }, t("organiser.agenda_hint"))),
      h("table", { class: "agenda", id: "agenda" },
        h("thead", {}, h("tr", {}, ["organiser.col_question", "organiser.col_kind", "organiser.col_level", "organiser.col_state", "organiser.col_votes", "organiser.col_actions"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", { id: "agenda-rows" })),
      h("p", { class: "hint level-hint" }, t("organiser.level_hint"))),
    addQuestionForm(),
    importQuestionsForm(),
  );
  drawAgendaRows();
}

function drawAgendaRows() {
  const body = $("#agenda-rows");
  if (!body) return;
  if (body.contains(document.activeElement) && document.activeElement.matches("select")) {
    // a level is being chosen: a redraw would close its list, so only the counts change
    // now, and the rows are drawn again when the list loses the focus
    app.agendaStale = true;
    for (const row of body.querySelectorAll("tr[data-question]")) {
      const r = app.results[row.dataset.question];
      const cell = row.querySelector("td.num");
      if (cell) cell.textContent = r ? `${fmtNumber(r.voters)} / ${fmtNumber(r.eligible)}` : "–";
    }
    return;
  }
  app.agendaStale = false;
  clear(body);
  if (!app.questions.length) body.append(h("tr", {}, h("td", { colspan: "6", class: "empty" }, t("organiser.no_questions"))));
  for (const q of app.questions) {
    const r = app.results[q.id];
    const actions = h("div", { class: "actions" });
    const m = app.session.meeting;
    if (q.state !== "open") {
      actions.append(button(q.state === "closed" ? "organiser.reopen" : "organiser.open_q", "btn-primary", () => act(t("organiser.opened"), () => call("POST", `/api/meetings/${m}/questions/${q.id}/open`)), { "data-action": "open" }));
    } else {
      actions.append(button("organiser.close_q", "btn-danger", () => act(t("organiser.closed"), () => call("POST", `/api/meetings/${m}/questions/${q.id}/close`)), { "data-action": "close" }));
    }
    const shown = plenaryShows(q.id);
    const hiddenNow = shown && app.plenary.reveal === false;
    // on screen: an open question shows participation only; its results need a reveal
    const onScreen = app.plenary.view === "question" && app.plenary.question === q.id;
    actions.append(button(q.state === "open" ? "organiser.show_hidden" : "organiser.show", onScreen ? "btn-on" : "btn-secondary", () => act(t("organiser.on_screen"), () => call("PUT", `/api/meetings/${m}/plenary`, { view: "question", question: q.id })), { "data-action": "show", "aria-pressed": String(onScreen) }));
    if (onScreen && hiddenNow) {
      actions.append(button("organiser.reveal", "btn-primary", () => revealShown(), { "data-action": "reveal" }));
    } else if (onScreen && q.state === "open") {
      actions.append(button("organiser.hide_results", "btn-secondary", () => act(t("organiser.hidden_now"), () => call("PUT", `/api/meetings/${m}/plenary`, { ...app.plenary, seq: undefined, reveal: false })), { "data-action": "hide" }));
    }
    actions.append(button("organiser.results", "btn-ghost", () => {
      app.selected = q.id;
      app.method = "";
      app.tab = "results";
      render();
    }, { "data-action": "results" }));
    body.append(
      h("tr", { "data-question": q.id, "data-state": q.state },
        h("td", {}, h("span", { class: "q-id" }, q.id), " ", h("span", { class: "q-prompt" }, pick(q.prompt)), shown ? h("span", { class: "badge badge-screen" }, t(hiddenNow ? "organiser.on_screen_hidden" : "organiser.on_screen_short")) : null),
        h("td", {}, kindName(q.kind)),
        h("td", {}, levelCell(q)),
        h("td", {}, stateBadge(q.state)),
        h("td", { class: "num" }, r ? `${fmtNumber(r.voters)} / ${fmtNumber(r.eligible)}` : "–"),
        h("td", {}, actions)),
    );
  }
}

/** The question's IAP2 level, changed where it stands (PUT …/iap2; "" clears it). */
function levelCell(q) {
  const select = levelSelect({ "data-action": "level", "aria-label": t("organiser.level_of", { id: q.id }) }, q.iap2_level || "");
  select.addEventListener("change", async () => {
    try {
      const marked = await call("PUT", `/api/meetings/${app.session.meeting}/questions/${q.id}/iap2`, { level: select.value || null });
      const i = app.questions.findIndex((x) => x.id === q.id);
      if (i >= 0) app.questions[i] = { ...marked, state: app.questions[i].state };
      toast(t("organiser.level_saved"), "ok", 2000);
    } catch (err) {
      select.value = q.iap2_level || "";
      toast(errorText(err.code, err.detail), "error", 6000);
    }
  });
  select.addEventListener("blur", () => {
    if (app.agendaStale) drawAgendaRows();
  });
  return select;
}

/** Reveal the results of what is on show: asks first when the question is open. */
async function revealShown() {
  const v = app.plenary;
  const question = app.questions.find((x) => x.id === v.question);
  const by = v.by ? app.questions.find((x) => x.id === v.by) : null;
  try {
    const done = await revealResults({ call, meeting: app.session.meeting, view: v, question, by, results: app.results[v.question] });
    if (done) toast(t("organiser.revealed"), "ok", 2000);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error", 6000);
  }
}

function button(key, kind, onclick, attrs = {}) {
  return h("button", { type: "button", class: `btn ${kind}`, onclick, ...attrs }, t(key));
}

function addQuestionForm() {
  const kind = h("select", { id: "q-kind", class: "input" }, KINDS.map((k) => h("option", { value: k }, kindName(k))));
  const id = h("input", { id: "q-id", class: "input input-short", placeholder: "q7" });
  const promptTh = h("input", { id: "q-prompt-th", class: "input", required: true });
  const promptEn = h("input", { id: "q-prompt-en", class: "input" });
  const options = h("textarea", { id: "q-options", class: "input", rows: "5", placeholder: t("organiser.options_placeholder") });
  const setting = h("input", { id: "q-setting", class: "input input-short", type: "number", min: "1" });
  const setting2 = h("input", { id: "q-setting2", class: "input input-short", type: "number" });
  const method = h("select", { id: "q-method", class: "input input-short" }, RANKED_METHODS.map((mth) => h("option", { value: mth }, t(`results.method_name_${mth}`))));
  const level = levelSelect({ id: "q-level" });
  const settingLabel = h("label", { for: "q-setting" });
  const setting2Label = h("label", { for: "q-setting2" });
  const settingField = h("div", { class: "field" }, settingLabel, setting);
  const setting2Field = h("div", { class: "field" }, setting2Label, setting2);
  const methodField = h("div", { class: "field" }, h("label", { for: "q-method" }, t("organiser.method")), method);
  const optionsField = h("div", { class: "field field-wide" }, h("label", { for: "q-options" }, t("organiser.options")), options, h("p", { class: "hint", id: "options-hint" }));
  const message = h("p", { class: "form-error", role: "alert" });
  const sync = () => {
    const k = kind.value;
    const labels = { multiple: "organiser.max_choices", ranked: "organiser.max_rank", points: "organiser.points", scale: "organiser.scale_min", budget: "organiser.budget", demographic: "organiser.attribute" };
    settingField.classList.toggle("hidden", !labels[k]);
    settingLabel.textContent = labels[k] ? t(labels[k]) : "";
    setting.type = k === "demographic" ? "text" : "number";
    setting2Field.classList.toggle("hidden", k !== "scale");
    setting2Label.textContent = t("organiser.scale_max");
    methodField.classList.toggle("hidden", k !== "ranked");
    optionsField.classList.toggle("hidden", k === "scale");
    $("#options-hint", optionsField).textContent = t(k === "budget" ? "organiser.options_hint_budget" : "organiser.options_hint");
    if (k === "scale") {
      setting.value ||= "1";
      setting2.value ||= "5";
    }
  };
  kind.addEventListener("change", sync);
  const form = h(
    "form",
    { class: "card", id: "add-question" },
    h("h2", {}, t("organiser.add_question")),
    h("div", { class: "form-grid" },
      h("div", { class: "field" }, h("label", { for: "q-kind" }, t("organiser.kind")), kind),
      h("div", { class: "field" }, h("label", { for: "q-id" }, t("organiser.q_id")), id),
      h("div", { class: "field" }, h("label", { for: "q-level" }, t("organiser.col_level")), level),
      h("div", { class: "field field-wide" }, h("label", { for: "q-prompt-th" }, t("organiser.prompt_th")), promptTh),
      h("div", { class: "field field-wide" }, h("label", { for: "q-prompt-en" }, t("organiser.prompt_en")), promptEn),
      settingField, setting2Field, methodField, optionsField),
    message,
    h("button", { type: "submit", class: "btn btn-primary" }, t("organiser.add")),
  );
  sync();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    const k = kind.value;
    const q = {
      id: id.value.trim() || `q${Date.now().toString(36)}`,
      kind: k,
      prompt: promptEn.value.trim() ? { th: promptTh.value.trim(), en: promptEn.value.trim() } : promptTh.value.trim(),
    };
    if (k !== "scale") {
      const lines = options.value.split("\n").map((l) => l.trim()).filter(Boolean);
      q.options = lines.map((line, i) => {
        const [th, en] = line.split("|").map((s) => s.trim());
        return { id: `o${i + 1}`, label: en && !/^\d[\d,]*$/.test(en) ? { th, en } : th };
      });
      if (k === "budget") {
        q.costs = Object.fromEntries(lines.map((line, i) => [`o${i + 1}`, Number((line.split("|").pop() || "0").replace(/[^\d]/g, "")) || 0]));
      }
    }
    const n = Number(setting.value);
    if (k === "multiple" && n) q.max_choices = n;
    if (k === "ranked") {
      if (n) q.max_rank = n;
      q.method = method.value;
    }
    if (k === "points") q.points = n || 5;
    if (k === "budget") q.budget = n;
    if (k === "scale") {
      q.min = Number(setting.value);
      q.max = Number(setting2.value);
    }
    if (k === "demographic") q.attribute = setting.value.trim() || "group";
    if (level.value) q.iap2_level = level.value;
    try {
      await call("POST", `/api/meetings/${app.session.meeting}/questions`, q);
      toast(t("organiser.added"), "ok");
      form.reset();
      sync();
      await refresh();
    } catch (err) {
      message.textContent = errorText(err.code, err.detail);
    }
  });
  return form;
}

function importQuestionsForm() {
  const file = h("input", { id: "questions-file", type: "file", accept: "application/json,.json", class: "input", "aria-label": t("organiser.import_questions") });
  const message = h("p", { class: "form-error", role: "alert" });
  const form = h(
    "form",
    { class: "card", id: "import-questions" },
    h("h2", {}, t("organiser.import_questions")),
    h("p", { class: "hint" }, t("organiser.import_hint")),
    file,
    message,
    h("button", { type: "submit", class: "btn btn-secondary" }, t("organiser.import")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    let questions;
    try {
      const data = JSON.parse(await file.files[0].text());
      questions = Array.isArray(data) ? data : data.questions;
      if (!Array.isArray(questions)) throw new Error("no questions");
    } catch {
      message.textContent = t("organiser.bad_file");
      return;
    }
    let added = 0;
    for (const q of questions) {
      try {
        await call("POST", `/api/meetings/${app.session.meeting}/questions`, q);
        added += 1;
      } catch (err) {
        message.textContent += `${q.id}: ${errorText(err.code, err.detail)}\n`;
      }
    }
    toast(t("organiser.imported", { n: added }), added ? "ok" : "error");
    await refresh();
  });
  return form;
}

// plenary

function describeView(v) {
  const q = (id) => pick(app.questions.find((x) => x.id === id)?.prompt) || id;
  if (v.view === "question") return `${t("organiser.view_question")}: ${q(v.question)}${v.reveal === false ? ` (${t("organiser.on_screen_hidden")})` : ""}`;
  if (v.view === "compare") return `${t("organiser.view_compare")}: ${v.pre} → ${v.post}`;
  if (v.view === "breakdown") return `${t("organiser.view_breakdown")}: ${q(v.question)} · ${t("plenary.by", { name: q(v.by) })}${v.reveal === false ? ` (${t("organiser.on_screen_hidden")})` : ""}`;
  if (v.view === "text") return `${t("organiser.view_text")}: ${pick(v.text)}`;
  return t(`organiser.view_${v.view}`);
}

function drawPlenaryTab(main) {
  const m = app.session.meeting;
  const put = (view) => act(t("organiser.on_screen"), async () => {
    app.plenary = await call("PUT", `/api/meetings/${m}/plenary`, view);
    render();
  });
  const text = h("input", { id: "plenary-text", class: "input", maxlength: "1000" });
  const comparable = app.questions.filter((q) => q.kind === "scale" || q.kind === "single");
  const paired = app.questions.find((q) => q.pair_of);
  const pre = h("select", { id: "compare-pre", class: "input" }, comparable.map((q) => h("option", { value: q.id, selected: paired?.pair_of === q.id }, `${q.id} · ${pick(q.prompt)}`)));
  const post = h("select", { id: "compare-post", class: "input" }, comparable.map((q) => h("option", { value: q.id, selected: paired?.id === q.id }, `${q.id} · ${pick(q.prompt)}`)));
  main.append(
    h("section", { class: "card plenary-now-card" },
      h("div", { class: "plenary-now-text" },
        h("h2", {}, t("organiser.plenary_now")),
        h("p", { class: "big-note", id: "plenary-now" }, describeView(app.plenary)),
        revealControl(),
        h("p", {}, h("a", { href: "/app/plenary.html", target: "_blank", rel: "noopener" }, t("organiser.open_plenary")))),
      app.codes?.display
        ? h("figure", { class: "plenary-preview" }, plenaryPreview(app.codes.display), h("figcaption", { class: "hint" }, t("reveal.preview_caption")))
        : null),
    h("section", { class: "card" },
      h("h2", {}, t("organiser.plenary_choose")),
      h("div", { class: "actions actions-wrap" },
        button("organiser.view_participation", "btn-secondary", () => put({ view: "participation" }), { "data-view": "participation" }),
        button("organiser.view_ideas", "btn-secondary", () => put({ view: "ideas" }), { "data-view": "ideas" }),
        button("organiser.view_themes", "btn-secondary", () => put({ view: "themes" }), { "data-view": "themes" })),
      h("p", { class: "hint" }, t("organiser.plenary_question_hint")),
      h("form", { class: "inline-form", onsubmit: (e) => { e.preventDefault(); if (text.value.trim()) put({ view: "text", text: text.value.trim() }); } },
        h("label", { for: "plenary-text" }, t("organiser.view_text")), text, h("button", { type: "submit", class: "btn btn-secondary" }, t("organiser.show"))),
      comparable.length >= 2
        ? h("form", { class: "inline-form fields-form", onsubmit: (e) => { e.preventDefault(); put({ view: "compare", pre: pre.value, post: post.value }); } },
            h("div", { class: "field" }, h("label", { for: "compare-pre" }, t("results.pre")), pre),
            h("div", { class: "field" }, h("label", { for: "compare-post" }, t("results.post")), post),
            h("button", { type: "submit", class: "btn btn-secondary", "data-view": "compare" }, t("organiser.view_compare")))
        : null,
      comparable.length >= 2 && app.meeting?.sites?.length ? h("p", { class: "hint" }, t("organiser.compare_sites_hint")) : null),
    breakdownPlenaryForm(put),
  );
}

/** What the hall sees of the results on show, and the one control that changes it. */
function revealControl() {
  const v = app.plenary || {};
  if (v.view !== "question" && v.view !== "breakdown") return null;
  const question = app.questions.find((x) => x.id === v.question);
  const open = question?.state === "open" || app.questions.find((x) => x.id === v.by)?.state === "open";
  const box = h("div", { class: "reveal-control", id: "reveal-control", "data-reveal": String(v.reveal !== false) });
  if (v.reveal === false) {
    box.append(
      h("p", { class: "reveal-state is-hidden" }, t(open ? "organiser.results_hidden_open" : "organiser.results_hidden")),
      button("organiser.reveal", "btn-primary btn-xl", () => revealShown(), { "data-action": "reveal", id: "plenary-reveal" }));
  } else {
    box.append(
      h("p", { class: "reveal-state is-shown" }, t(open ? "organiser.results_live" : "organiser.results_shown")),
      button("organiser.hide_results", "btn-secondary", () => act(t("organiser.hidden_now"), () => call("PUT", `/api/meetings/${app.session.meeting}/plenary`, { ...v, seq: undefined, reveal: false })), { "data-action": "hide", id: "plenary-hide" }));
  }
  return box;
}

/** The plenary's "results by group" view: a question, grouped by a demographic question. */
function breakdownPlenaryForm(put) {
  const groups = app.questions.filter((q) => q.kind === "demographic");
  const card = h("section", { class: "card", id: "plenary-breakdown" }, h("h2", {}, t("organiser.view_breakdown")), h("p", { class: "hint" }, t("organiser.breakdown_hint")));
  if (!groups.length) {
    card.append(h("p", { class: "empty" }, t("organiser.breakdown_need")));
    return card;
  }
  const v = app.plenary || {};
  const shown = app.questions.filter((q) => q.kind !== "demographic");
  const preferred = v.view === "breakdown" ? v.question : app.selected;
  const question = h("select", { id: "breakdown-question", class: "input" },
    shown.map((q) => h("option", { value: q.id, selected: q.id === preferred }, `${q.id} · ${pick(q.prompt)}`)));
  const by = h("select", { id: "breakdown-by", class: "input" },
    groups.map((q) => h("option", { value: q.id, selected: q.id === (v.by || app.breakdown.replace(/^by:/, "")) }, `${q.id} · ${pick(q.prompt)}`)));
  card.append(
    h("form", { class: "inline-form fields-form", onsubmit: (e) => { e.preventDefault(); put({ view: "breakdown", question: question.value, by: by.value }); } },
      h("div", { class: "field" }, h("label", { for: "breakdown-question" }, t("organiser.breakdown_question")), question),
      h("div", { class: "field" }, h("label", { for: "breakdown-by" }, t("organiser.breakdown_by_label")), by),
      h("button", { type: "submit", class: "btn btn-secondary", "data-view": "breakdown" }, t("organiser.show"))),
  );
  return card;
}

// results

function breakdownChoices(q) {
  const choices = app.questions
    .filter((x) => x.kind === "demographic" && x.id !== q?.id)
    .map((x) => ({ value: `by:${x.id}`, label: `${t("organiser.breakdown_by", { name: pick(x.prompt) })}` }));
  if (app.meeting?.sites?.length) choices.push({ value: "sites", label: t("organiser.breakdown_sites") });
  return choices;
}

function drawResultsTab(main) {
  if (!app.selected || !app.questions.some((q) => q.id === app.selected)) {
    app.selected = app.questions.find((q) => q.state === "open")?.id || app.questions[0]?.id || null;
  }
  const pickQ = h("select", { id: "results-question", class: "input" }, app.questions.map((q) => h("option", { value: q.id, selected: q.id === app.selected }, `${q.id} · ${pick(q.prompt)}`)));
  pickQ.addEventListener("change", () => {
    app.selected = pickQ.value;
    app.method = "";
    render();
  });
  const q = app.questions.find((x) => x.id === app.selected);
  const methods = q?.kind === "ranked" ? RANKED_METHODS : [];
  const method = h("select", { id: "results-method", class: "input input-short" },
    h("option", { value: "" }, t("organiser.method_default")),
    methods.map((mth) => h("option", { value: mth, selected: app.method === mth }, t(`results.method_name_${mth}`))));
  method.disabled = !methods.length;
  method.addEventListener("change", () => {
    app.method = method.value;
    fetchResults();
  });
  const choices = breakdownChoices(q);
  if (!choices.some((c) => c.value === app.breakdown)) app.breakdown = "";
  const breakdown = h("select", { id: "results-breakdown", class: "input input-short" },
    h("option", { value: "" }, t("organiser.breakdown_none")),
    choices.map((c) => h("option", { value: c.value, selected: app.breakdown === c.value }, c.label)));
  breakdown.disabled = !choices.length;
  breakdown.addEventListener("change", () => {
    app.breakdown = breakdown.value;
    localStorage.setItem("pk.organiser.breakdown", app.breakdown);
    render();
  });
  const refreshButton = button("organiser.refresh", "btn-secondary", () => fetchResults());
  const byGroup = app.breakdown.startsWith("by:") && q && q.kind !== "demographic";
  const toPlenary = byGroup
    ? button("organiser.breakdown_on_plenary", "btn-secondary", () => act(t("organiser.on_screen"), async () => {
        app.plenary = await call("PUT", `/api/meetings/${app.session.meeting}/plenary`, { view: "breakdown", question: q.id, by: app.breakdown.slice(3) });
      }), { "data-action": "breakdown-plenary" })
    : null;
  const split = Boolean(app.breakdown);
  main.append(
    h("section", { class: "card" },
      h("div", { class: "row row-wrap" },
        h("div", { class: "field" }, h("label", { for: "results-question" }, t("organiser.col_question")), pickQ),
        h("div", { class: "field" }, h("label", { for: "results-method" }, t("organiser.method")), method),
        h("div", { class: "field" }, h("label", { for: "results-breakdown" }, t("organiser.breakdown")), breakdown),
        refreshButton,
        toPlenary),
      h("p", { class: "participation", id: "org-participation" }),
      h("div", { class: `results-layout ${split ? "is-split" : ""}` },
        h("div", { class: "results-whole" },
          split ? h("h3", { class: "group-title" }, t("organiser.whole_meeting")) : null,
          h("div", { id: "org-results", class: "org-results" }),
          h("div", { id: "org-representativeness" })),
        split ? h("div", { class: "results-groups" },
          h("div", { id: "org-by-representativeness" }),
          h("div", { id: "org-breakdown", class: "breakdown", "data-breakdown": app.breakdown, "aria-live": "polite" }),
          h("p", { id: "org-not-grouped", class: "hint" })) : null)),
  );
  app.resultsView = new ResultsView($("#org-results"), { max: 64 });
  app.groupViews = new Map();
  fetchResults();
  app.poll = setInterval(() => {
    const open = app.questions.find((x) => x.id === app.selected)?.state === "open";
    if ((app.method || app.breakdown) && open) fetchResults();
  }, 3000);
}

function resultsPath(q, params = {}) {
  const query = new URLSearchParams();
  if (app.method) query.set("method", app.method);
  for (const [k, v] of Object.entries(params)) query.set(k, v);
  const text = query.toString();
  return `/api/meetings/${app.session.meeting}/questions/${q}/results${text ? `?${text}` : ""}`;
}

async function fetchResults() {
  if (!app.selected) return;
  const selected = app.selected;
  const breakdown = app.breakdown;
  try {
    if (breakdown) {
      const found = await fetchBreakdown(selected, breakdown);
      if (selected !== app.selected || breakdown !== app.breakdown) return;
      if (!app.method) app.results[selected] = found.all;
      drawResults(found.all);
      drawBreakdown(found);
      return;
    }
    const r = await call("GET", resultsPath(selected));
    if (!app.method) app.results[r.question] = r;
    drawResults(r);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error");
  }
}

/** One shape for both breakdowns: {groups: [{group, label, voters, results?, suppressed?}], ...}. */
async function fetchBreakdown(q, breakdown) {
  if (breakdown.startsWith("by:")) {
    const by = breakdown.slice(3);
    const byQuestion = app.questions.find((x) => x.id === by);
    const [found, byResults] = await Promise.all([
      call("GET", resultsPath(q, { by })),
      byQuestion?.targets ? call("GET", `/api/meetings/${app.session.meeting}/questions/${by}/results`) : null,
    ]);
    return { ...found, byResults };
  }
  const sites = app.meeting?.sites || [];
  const each = await Promise.all(sites.map((s) => call("GET", resultsPath(q, { site: s.id }))));
  return {
    question: q,
    sites: true,
    groups: each.map((r) => ({ group: r.site, label: r.site_name, voters: r.voters, results: r })),
    not_grouped: 0,
    all: each[0]?.all,
  };
}

function drawResults(given) {
  const r = given || app.results[app.selected];
  const mount = $("#org-results");
  if (!r || !mount || r.question !== app.selected) return;
  const q = app.questions.find((x) => x.id === app.selected);
  app.resultsView.update(r, q);
  const words = participationText(r);
  $("#org-participation").textContent = `${t(`state.${r.status}`)} · ${words.voters} · ${words.tables}`;
  const rep = $("#org-representativeness");
  if (rep) clear(rep).append(representativeness(r, q) || "");
}

function drawBreakdown(found) {
  const mount = $("#org-breakdown");
  if (!mount) return;
  const q = app.questions.find((x) => x.id === app.selected);
  const byRep = $("#org-by-representativeness");
  if (byRep) {
    const byQuestion = app.questions.find((x) => x.id === found.by);
    clear(byRep).append((found.byResults && representativeness(found.byResults, byQuestion)) || "");
  }
  const seen = new Set();
  for (const g of found.groups || []) {
    seen.add(g.group);
    let card = mount.querySelector(`.group-card[data-group="${CSS.escape(g.group)}"]`);
    if (!card) {
      card = h("section", { class: "group-card", "data-group": g.group },
        h("h3", { class: "group-title" }, h("span", { class: "group-label" }), h("span", { class: "group-n" })),
        h("div", { class: "group-body" }));
      mount.append(card);
    }
    card.querySelector(".group-label").textContent = pick(g.label);
    card.querySelector(".group-n").textContent = g.suppressed ? "" : t("results.n_voters", { n: g.voters ?? 0 });
    card.dataset.suppressed = String(Boolean(g.suppressed));
    const body = card.querySelector(".group-body");
    if (g.suppressed) {
      app.groupViews.delete(g.group);
      clear(body).append(h("p", { class: "group-suppressed" }, t("results.suppressed", { n: found.min_group ?? 5 })));
      continue;
    }
    let view = app.groupViews.get(g.group);
    if (!view) {
      clear(body);
      view = new ResultsView(body, { max: 8 });
      app.groupViews.set(g.group, view);
    }
    view.update(g.results, q);
  }
  for (const card of [...mount.querySelectorAll(".group-card")]) {
    if (!seen.has(card.dataset.group)) {
      app.groupViews.delete(card.dataset.group);
      card.remove();
    }
  }
  const note = $("#org-not-grouped");
  if (note) note.textContent = found.not_grouped ? t("results.not_grouped", { n: found.not_grouped }) : "";
}

/** A demographic question's room share beside its target share, per group. */
function representativeness(r, q) {
  if (!r?.targets || r.hidden) return null;
  const share = Object.fromEntries((r.ranking || []).map((row) => [row.option, row.share || 0]));
  const answered = (r.ranking || []).some((row) => row.score);
  const options = (q?.options || (r.ranking || []).map((row) => ({ id: row.option, label: row.label }))).filter((o) => o.id in r.targets);
  const rows = options.map((o) => {
    const target = r.targets[o.id];
    const room = share[o.id] || 0;
    const gap = r.gaps?.[o.id];
    const off = typeof gap === "number" && Math.abs(gap) >= 0.05 ? (gap > 0 ? "over" : "under") : "near";
    const points = typeof gap === "number" ? Math.round(gap * 100) : null;
    return h("div", { class: `rep-row rep-${off}`, "data-option": o.id, "data-gap": typeof gap === "number" ? String(gap) : "" },
      h("span", { class: "rep-label" }, pick(o.label)),
      h("div", { class: "rep-track", "aria-hidden": "true" },
        h("span", { class: "rep-fill", style: { width: `${Math.min(1, room) * 100}%` } }),
        h("span", { class: "rep-target", style: { left: `${Math.min(1, target) * 100}%` } })),
      h("span", { class: "rep-values" },
        t("results.room_vs_target", { room: fmtPercent(room), target: fmtPercent(target) }),
        points === null ? "" : ` (${points > 0 ? "+" : ""}${fmtNumber(points)})`));
  });
  return h("section", { class: "representativeness", "data-question": r.question },
    h("h3", {}, t("results.representativeness", { name: pick(q?.prompt) || r.question })),
    h("p", { class: "hint" }, answered ? t("results.representativeness_hint") : t("results.no_answers")),
    h("div", { class: "rep-legend" }, h("span", { class: "key key-room" }, t("results.room_share")), h("span", { class: "key key-target" }, t("results.target_share"))),
    rows);
}

// tables: who is connected, and how many seats of each table voted on each open question
// (tables.js: a filter for the tables that need help, tiles updated in place)

function drawTablesTab(main) {
  app.poll = drawTablesTabInto(main, { call, meeting: () => app.meeting, questions: () => app.questions, shown: () => app.tab === "tables" });
}

// exports and the audit

function exportLang() {
  const lang = app.exportLang || app.meeting?.language || "th";
  return lang === "en" ? "en" : "th";
}

function drawExportsTab(main) {
  const lang = exportLang();
  const langChoice = h("fieldset", { class: "segmented", id: "export-lang" },
    h("legend", {}, t("exports.lang")),
    ["th", "en"].map((l) =>
      h("label", { class: "segment" },
        h("input", { type: "radio", name: "export-lang", value: l, checked: l === lang, onchange: () => {
          app.exportLang = l;
          localStorage.setItem("pk.organiser.export_lang", l);
        } }),
        h("span", { lang: l }, t(`exports.lang_${l}`)))));
  main.append(
    h("section", { class: "card", id: "exports-card" },
      h("div", { class: "card-head" }, h("h2", {}, t("exports.title"))),
      h("p", { class: "hint" }, t("exports.hint")),
      langChoice,
      h("ul", { class: "export-list", id: "export-list" },
        EXPORTS.map((f) =>
          h("li", { class: "export-row", "data-format": f },
            h("span", { class: `export-badge export-badge-${f}`, "aria-hidden": "true" }, f.toUpperCase()),
            h("div", { class: "export-text" }, h("h3", { id: `export-name-${f}` }, t(`exports.${f}`)), h("p", { class: "hint" }, t(`exports.${f}_about`))),
            h("button", { type: "button", class: "btn btn-primary export-button", "data-format": f, "aria-describedby": `export-name-${f}`, onclick: () => startExport(f) }),
            h("p", { class: "export-status", role: "status", "aria-live": "polite" }))))),
    h("section", { class: "card", id: "audit-card" },
      h("div", { class: "card-head" }, h("h2", {}, t("audit.title")),
        h("button", { type: "button", class: "btn btn-primary", id: "run-audit", onclick: runAudit })),
      h("p", { class: "hint" }, t("audit.hint")),
      h("div", { id: "audit-result", "aria-live": "polite" })),
  );
  for (const f of EXPORTS) drawExportRow(f);
  drawAudit();
}

function busyContent(text) {
  return [h("span", { class: "spinner", "aria-hidden": "true" }), h("span", {}, text)];
}

function drawExportRow(format) {
  const row = document.querySelector(`.export-row[data-format="${format}"]`);
  if (!row) return;
  const b = row.querySelector(".export-button");
  const started = app.exporting[format];
  clear(b);
  if (started) b.append(...busyContent(t("exports.busy", { s: Math.floor((Date.now() - started) / 1000) })));
  else b.append(t("exports.download_as", { name: EXPORT_NAMES[format] }));
  b.disabled = Boolean(started);
  b.setAttribute("aria-busy", String(Boolean(started)));
  row.dataset.state = started ? "busy" : app.exported[format]?.kind || "idle";
  const status = row.querySelector(".export-status");
  const done = !started && app.exported[format];
  status.className = `export-status ${done ? `export-${done.kind}` : ""}`;
  status.textContent = done ? t(done.key, done.vars) : "";
}

function exportFailure(err) {
  if (err.code === "timeout") return { key: "exports.fail_slow", vars: { s: EXPORT_TIMEOUT_MS / 1000 } };
  if (err.code === "network") return { key: "exports.fail_network" };
  if (err.status === 401 || err.status === 403) return { key: "exports.fail_session" };
  // an unknown format (400), no export route on this server (a plain 404), not made yet (501)
  if (err.status === 400 || err.status === 501 || (err.status === 404 && err.code !== "not_found")) return { key: "exports.fail_missing" };
  return { key: "exports.fail_server" };
}

function sizeText(bytes) {
  if (bytes < 1024 * 1024) return t("exports.size_kb", { n: Math.max(1, Math.round(bytes / 1024)) });
  return t("exports.size_mb", { n: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
}

async function startExport(format) {
  if (app.exporting[format]) return;
  app.exporting[format] = Date.now();
  delete app.exported[format];
  drawExportRow(format);
  app.exportTick ??= setInterval(() => {
    for (const f of Object.keys(app.exporting)) drawExportRow(f);
  }, 1000);
  try {
    const file = await fetchFile(`/api/meetings/${app.session.meeting}/export`, {
      token: app.session.token,
      query: { format, lang: exportLang() },
      timeoutMs: EXPORT_TIMEOUT_MS,
    });
    const name = file.name || `prachakhom-${app.session.meeting}.${format}`;
    saveBlob(file.blob, name);
    app.exported[format] = { kind: "ok", key: "exports.done", vars: { name, size: sizeText(file.blob.size) } };
  } catch (err) {
    app.exported[format] = { kind: "error", ...exportFailure(err) };
  } finally {
    delete app.exporting[format];
    if (!Object.keys(app.exporting).length) {
      clearInterval(app.exportTick);
      app.exportTick = null;
    }
    drawExportRow(format);
  }
}

async function runAudit() {
  if (app.audit?.busy) return;
  app.audit = { ...app.audit, busy: true };
  drawAudit();
  try {
    const found = await call("GET", `/api/meetings/${app.session.meeting}/audit`);
    app.audit = { found, at: Date.now() };
  } catch (err) {
    app.audit = { error: err, at: Date.now() };
  }
  drawAudit();
}

function drawAudit() {
  const b = $("#run-audit");
  const box = $("#audit-result");
  if (!b || !box) return;
  const audit = app.audit || {};
  clear(b).append(...(audit.busy ? busyContent(t("audit.busy")) : [t(audit.found || audit.error ? "audit.again" : "audit.run")]));
  b.disabled = Boolean(audit.busy);
  b.setAttribute("aria-busy", String(Boolean(audit.busy)));
  clear(box);
  if (audit.error) {
    box.append(h("p", { class: "audit-verdict audit-bad", role: "alert" }, errorText(audit.error.code, audit.error.detail)));
    return;
  }
  const found = audit.found;
  if (!found) return;
  const rows = found.questions || [];
  const bad = rows.filter((r) => !r.match);
  const prompt = (id) => pick(app.questions.find((x) => x.id === id)?.prompt) || "";
  let verdict;
  if (found.ok) verdict = h("div", { class: "audit-verdict audit-ok", "data-ok": "true" }, h("p", { class: "audit-head" }, "✓ ", t("audit.ok", { n: rows.length })), h("p", {}, t("audit.ok_hint")));
  else if (bad.length) verdict = h("div", { class: "audit-verdict audit-bad", "data-ok": "false" }, h("p", { class: "audit-head" }, "✗ ", t("audit.mismatch", { n: bad.length })), h("p", {}, t("audit.mismatch_hint")));
  else verdict = h("div", { class: "audit-verdict audit-bad", "data-ok": "false" }, h("p", { class: "audit-head" }, "✗ ", t("audit.broken")));
  box.append(
    verdict,
    h("p", { class: "hint" }, t("audit.checked_at", { time: fmtTime(audit.at) }), " · ", t("audit.entries", { n: found.ledger_entries ?? 0, b: found.ballots_in_ledger ?? 0 })),
    h("div", { class: "digest" },
      h("p", { class: "digest-label" }, t("audit.digest")),
      h("p", { class: "digest-value", id: "audit-digest", translate: "no" }, found.digest || ""),
      h("p", { class: "hint" }, t("audit.digest_hint"))),
    h("h3", { class: "audit-list-title" }, t("audit.questions")),
    h("ul", { class: "audit-list", id: "audit-list" },
      rows.map((r) =>
        h("li", { class: `audit-row ${r.match ? "is-match" : "is-mismatch"}`, "data-question": r.question, "data-match": String(r.match) },
          h("span", { class: `badge ${r.match ? "badge-open" : "badge-bad"}` }, r.match ? `✓ ${t("audit.match")}` : `✗ ${t("audit.no_match")}`),
          h("span", { class: "q-id" }, r.question),
          h("span", { class: "q-prompt" }, prompt(r.question)),
          r.match ? null : h("span", { class: "audit-numbers" }, t("audit.voters", { live: r.live_voters ?? 0, recount: r.recount_voters ?? 0 }))))),
  );
}

// codes

function drawCodesTab(main) {
  const codes = app.codes || { tables: {} };
  const link = (page, code) => joinUrl(page, code);
  const codeCard = (key, page, code) =>
    h("div", { class: "code-card" },
      h("h3", {}, t(key)),
      qrImage(link(page, code), t(key)),
      h("p", { class: "code" }, code),
      h("p", {}, h("a", { href: link(page, code), target: "_blank", rel: "noopener" }, t("organiser.open_link"))));
  const rows = Object.entries(codes.tables || {}).map(([table, code]) =>
    h("tr", { "data-table": table },
      h("td", { class: "num" }, table),
      h("td", { class: "code" }, code),
      h("td", {}, h("a", { href: link("tablet.html", code), target: "_blank", rel: "noopener" }, t("organiser.tablet_link"))),
      h("td", { class: "num" }, codes.seats?.[table] ? fmtNumber(Object.keys(codes.seats[table]).length) : "–")));
  main.append(
    h("section", { class: "card" },
      h("div", { class: "card-head" }, h("h2", {}, t("organiser.codes")), h("a", { class: "btn btn-primary", href: "/app/print.html", target: "_blank", rel: "noopener", id: "print-sheets" }, t("organiser.print_sheets"))),
      h("p", { class: "hint" }, t("organiser.codes_hint")),
      h("div", { class: "code-cards" },
        codes.display ? codeCard("organiser.display_code", "plenary.html", codes.display) : null,
        codes.theme ? codeCard("organiser.theme_code", "theme.html", codes.theme) : null)),
    h("section", { class: "card" },
      h("h2", {}, t("organiser.table_codes")),
      h("table", { class: "codes-table" },
        h("thead", {}, h("tr", {}, ["organiser.col_table", "organiser.col_code", "organiser.col_link", "organiser.col_seats"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", {}, rows))),
  );
  applyI18n(main);
}

main();
