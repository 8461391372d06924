// The organiser console: the agenda (import a scenario file, or question by question),
// open/close, what the plenary shows, join codes and printable QR sheets, live results
// with every counting method.

import { api, ApiError, qrImage, joinUrl } from "./api.js";
import { Connection } from "./connection.js";
import { $, h, clear, toast } from "./dom.js";
import { t, pick, errorText, fmtNumber, applyI18n } from "./i18n.js";
import { fragment, savedSession, saveSession, forgetSession } from "./session.js";
import { startPage, statusBar } from "./ui.js";
import { ResultsView, participationText } from "./results.js";
import { kindName } from "./controls.js";

const TABS = ["agenda", "plenary", "results", "codes"];
const KINDS = ["single", "multiple", "ranked", "points", "scale", "budget", "demographic"];
const RANKED_METHODS = ["borda", "irv", "schulze"];

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
  resultsView: null,
  poll: null,
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
    onFatal: () => {
      forgetSession("organiser");
      toast(t("error.unauthorized"), "error");
      setTimeout(() => location.reload(), 1500);
    },
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
  const file = h("input", { id: "scenario-file", type: "file", accept: "application/json,.json", class: "input" });
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
  else if (app.tab === "codes") drawCodesTab(main);
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
        h("thead", {}, h("tr", {}, ["organiser.col_question", "organiser.col_kind", "organiser.col_state", "organiser.col_votes", "organiser.col_actions"].map((k) => h("th", { scope: "col" }, t(k))))),
        h("tbody", { id: "agenda-rows" }))),
    addQuestionForm(),
    importQuestionsForm(),
  );
  drawAgendaRows();
}

function drawAgendaRows() {
  const body = $("#agenda-rows");
  if (!body) return;
  clear(body);
  if (!app.questions.length) body.append(h("tr", {}, h("td", { colspan: "5", class: "empty" }, t("organiser.no_questions"))));
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
    actions.append(button("organiser.show", shown && !hiddenNow ? "btn-on" : "btn-secondary", () => act(t("organiser.on_screen"), () => call("PUT", `/api/meetings/${m}/plenary`, { view: "question", question: q.id, reveal: true })), { "data-action": "show" }));
    if (hiddenNow) {
      actions.append(button("organiser.reveal", "btn-primary", () => act(t("organiser.revealed"), () => call("PUT", `/api/meetings/${m}/plenary`, { view: "question", question: q.id, reveal: true })), { "data-action": "reveal" }));
    } else {
      actions.append(button("organiser.show_hidden", "btn-secondary", () => act(t("organiser.on_screen"), () => call("PUT", `/api/meetings/${m}/plenary`, { view: "question", question: q.id, reveal: false })), { "data-action": "show-hidden" }));
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
        h("td", {}, stateBadge(q.state)),
        h("td", { class: "num" }, r ? `${fmtNumber(r.voters)} / ${fmtNumber(r.eligible)}` : "–"),
        h("td", {}, actions)),
    );
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
  const file = h("input", { id: "questions-file", type: "file", accept: "application/json,.json", class: "input" });
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
    h("section", { class: "card" },
      h("h2", {}, t("organiser.plenary_now")),
      h("p", { class: "big-note", id: "plenary-now" }, describeView(app.plenary)),
      h("p", {}, h("a", { href: "/app/plenary.html", target: "_blank", rel: "noopener" }, t("organiser.open_plenary")))),
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
        ? h("form", { class: "inline-form", onsubmit: (e) => { e.preventDefault(); put({ view: "compare", pre: pre.value, post: post.value }); } },
            h("label", { for: "compare-pre" }, t("results.pre")), pre, h("label", { for: "compare-post" }, t("results.post")), post,
            h("button", { type: "submit", class: "btn btn-secondary", "data-view": "compare" }, t("organiser.view_compare")))
        : null),
  );
}

// results

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
  const refreshButton = button("organiser.refresh", "btn-secondary", () => fetchResults());
  main.append(
    h("section", { class: "card" },
      h("div", { class: "row row-wrap" },
        h("div", { class: "field" }, h("label", { for: "results-question" }, t("organiser.col_question")), pickQ),
        h("div", { class: "field" }, h("label", { for: "results-method" }, t("organiser.method")), method),
        refreshButton),
      h("p", { class: "participation", id: "org-participation" }),
      h("div", { id: "org-results", class: "org-results" })),
  );
  app.resultsView = new ResultsView($("#org-results"), { max: 64 });
  fetchResults();
  app.poll = setInterval(() => {
    if (app.method && q?.state === "open") fetchResults();
  }, 3000);
}

async function fetchResults() {
  if (!app.selected) return;
  try {
    const r = await call("GET", `/api/meetings/${app.session.meeting}/questions/${app.selected}/results${app.method ? `?method=${encodeURIComponent(app.method)}` : ""}`);
    if (!app.method) app.results[r.question] = r;
    drawResults(r);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error");
  }
}

function drawResults(given) {
  const r = given || app.results[app.selected];
  const mount = $("#org-results");
  if (!r || !mount || r.question !== app.selected) return;
  const q = app.questions.find((x) => x.id === app.selected);
  app.resultsView.update(r, q);
  const words = participationText(r);
  $("#org-participation").textContent = `${t(`state.${r.status}`)} · ${words.voters} · ${words.tables}`;
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
