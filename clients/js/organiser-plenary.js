// @ts-check
// The organiser console's plenary tab: what the hall's screen shows now (with a preview),
// the views to put on it, and the one control that reveals or hides its results.

import { h, toast } from "./dom.js";
import { t, pick, errorText } from "./i18n.js";
import { revealResults, plenaryPreview } from "./reveal.js";
import { app, hooks, call, act, button } from "./organiser-app.js";
/** @import { PlenaryView } from "./types.js" */

/** Reveal the results of what is on show: asks first when the question is open. */
export async function revealShown() {
  const v = app.plenary;
  const question = app.questions.find((x) => x.id === v.question);
  const by = v.by ? app.questions.find((x) => x.id === v.by) : null;
  try {
    const done = await revealResults({ call, meeting: app.session.meeting, view: v, question, by, results: v.question ? app.results[v.question] : undefined });
    if (done) toast(t("organiser.revealed"), "ok", 2000);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error", 6000);
  }
}

/** @param {PlenaryView} v */
function describeView(v) {
  const q = (/** @type {string | undefined} */ id) => pick(app.questions.find((x) => x.id === id)?.prompt) || id;
  if (v.view === "question") return `${t("organiser.view_question")}: ${q(v.question)}${v.reveal === false ? ` (${t("organiser.on_screen_hidden")})` : ""}`;
  if (v.view === "compare") return `${t("organiser.view_compare")}: ${v.pre} → ${v.post}`;
  if (v.view === "breakdown") return `${t("organiser.view_breakdown")}: ${q(v.question)} · ${t("plenary.by", { name: q(v.by) })}${v.reveal === false ? ` (${t("organiser.on_screen_hidden")})` : ""}`;
  if (v.view === "text") return `${t("organiser.view_text")}: ${pick(v.text)}`;
  return t(`organiser.view_${v.view}`);
}

/** @param {HTMLElement} main */
export function drawPlenaryTab(main) {
  const m = app.session.meeting;
  const put = (/** @type {PlenaryView} */ view) => act(t("organiser.on_screen"), async () => {
    app.plenary = await call("PUT", `/api/meetings/${m}/plenary`, view);
    hooks.render();
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
      h("form", { class: "inline-form", onsubmit: (/** @type {SubmitEvent} */ e) => { e.preventDefault(); if (text.value.trim()) put({ view: "text", text: text.value.trim() }); } },
        h("label", { for: "plenary-text" }, t("organiser.view_text")), text, h("button", { type: "submit", class: "btn btn-secondary" }, t("organiser.show"))),
      comparable.length >= 2
        ? h("form", { class: "inline-form fields-form", onsubmit: (/** @type {SubmitEvent} */ e) => { e.preventDefault(); put({ view: "compare", pre: pre.value, post: post.value }); } },
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
  const v = /** @type {Partial<PlenaryView>} */ (app.plenary || {});
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
/** @param {(view: PlenaryView) => Promise<void>} put */
function breakdownPlenaryForm(put) {
  const groups = app.questions.filter((q) => q.kind === "demographic");
  const card = h("section", { class: "card", id: "plenary-breakdown" }, h("h2", {}, t("organiser.view_breakdown")), h("p", { class: "hint" }, t("organiser.breakdown_hint")));
  if (!groups.length) {
    card.append(h("p", { class: "empty" }, t("organiser.breakdown_need")));
    return card;
  }
  const v = /** @type {Partial<PlenaryView>} */ (app.plenary || {});
  const shown = app.questions.filter((q) => q.kind !== "demographic");
  const preferred = v.view === "breakdown" ? v.question : app.selected;
  const question = h("select", { id: "breakdown-question", class: "input" },
    shown.map((q) => h("option", { value: q.id, selected: q.id === preferred }, `${q.id} · ${pick(q.prompt)}`)));
  const by = h("select", { id: "breakdown-by", class: "input" },
    groups.map((q) => h("option", { value: q.id, selected: q.id === (v.by || app.breakdown.replace(/^by:/, "")) }, `${q.id} · ${pick(q.prompt)}`)));
  card.append(
    h("form", { class: "inline-form fields-form", onsubmit: (/** @type {SubmitEvent} */ e) => { e.preventDefault(); put({ view: "breakdown", question: question.value, by: by.value }); } },
      h("div", { class: "field" }, h("label", { for: "breakdown-question" }, t("organiser.breakdown_question")), question),
      h("div", { class: "field" }, h("label", { for: "breakdown-by" }, t("organiser.breakdown_by_label")), by),
      h("button", { type: "submit", class: "btn btn-secondary", "data-view": "breakdown" }, t("organiser.show"))),
  );
  return card;
}

