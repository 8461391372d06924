// @ts-check
// The organiser console's agenda tab: every question with its state, votes, IAP2 level and
// the buttons that open, close, show and reveal it; a form to add a question and one to
// import questions from a file.

import { $, $$, h, clear, toast } from "./dom.js";
import { t, pick, errorText, fmtNumber } from "./i18n.js";
import { kindName } from "./controls.js";
import { levelSelect } from "./iap2.js";
import { app, hooks, call, act, button, methodsOf } from "./organiser-app.js";
import { revealShown } from "./organiser-plenary.js";
/** @import { PlenaryView, Question } from "./types.js" */

/** @param {string | undefined} state */
function stateBadge(state) {
  return h("span", { class: `badge badge-${state}` }, t(`state.${state}`));
}

/** Does the plenary show this question (alone, or in a comparison)? @param {string} q */
function plenaryShows(q) {
  const v = /** @type {Partial<PlenaryView>} */ (app.plenary || {});
  return v.question === q || v.pre === q || v.post === q;
}

/** @param {HTMLElement} main */
export function drawAgendaTab(main) {
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

export function drawAgendaRows() {
  const body = $("#agenda-rows");
  if (!body) return;
  if (body.contains(document.activeElement) && document.activeElement?.matches("select")) {
    // a level is being chosen: a redraw would close its list, so only the counts change
    // now, and the rows are drawn again when the list loses the focus
    app.agendaStale = true;
    for (const row of $$("tr[data-question]", body)) {
      const r = app.results[/** @type {string} */ (row.dataset.question)]; // found by it
      const cell = $("td.num", row);
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
      hooks.render();
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
/** @param {Question} q */
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

function addQuestionForm() {
  const kind = h("select", { id: "q-kind", class: "input" }, (app.meeting?.kinds || []).map((k) => h("option", { value: k }, kindName(k))));
  const id = h("input", { id: "q-id", class: "input input-short", placeholder: "q7" });
  const promptTh = h("input", { id: "q-prompt-th", class: "input", required: true });
  const promptEn = h("input", { id: "q-prompt-en", class: "input" });
  const options = h("textarea", { id: "q-options", class: "input", rows: "5", placeholder: t("organiser.options_placeholder") });
  const setting = h("input", { id: "q-setting", class: "input input-short", type: "number", min: "1" });
  const setting2 = h("input", { id: "q-setting2", class: "input input-short", type: "number" });
  const method = h("select", { id: "q-method", class: "input input-short" }, methodsOf("ranked").map((mth) => h("option", { value: mth }, t(`results.method_name_${mth}`))));
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
    /** @type {Record<string, string>} */
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
    /** @type {Question} */
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
      await hooks.refresh();
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
      const chosen = file.files?.[0];
      if (!chosen) throw new Error("no file");
      const data = JSON.parse(await chosen.text());
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
    await hooks.refresh();
  });
  return form;
}

