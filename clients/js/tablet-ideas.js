// @ts-check
// The tablet's show of hands (the table's count per option, for single and multiple
// choice) and its ideas (sent through the outbox, kept on the tablet with their state).

import { $, h, clear, uuid, toast } from "./dom.js";
import { t, pick, fmtTime } from "./i18n.js";
import { handsControl, kindName } from "./controls.js";
import { app, seatsCount } from "./tablet-state.js";
/** @import { Question, ChoiceQuestion } from "./types.js" */

const HANDS_KINDS = new Set(["single", "multiple"]);

/** @param {HTMLElement} space @param {Question} q */
export function drawHands(space, q) {
  if (!HANDS_KINDS.has(q.kind)) {
    space.append(h("div", { class: "card wait-card" }, h("p", { class: "big-note" }, t("hands.not_for_kind", { kind: kindName(q.kind) }))));
    return;
  }
  const control = handsControl(/** @type {ChoiceQuestion} */ (q), seatsCount()); // single or multiple: options
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-xl", id: "send-hands" }, t("hands.send"));
  const form = h(
    "form",
    { class: "card hands-form" },
    h("h3", { class: "prompt" }, pick(q.prompt)),
    h("p", { class: "hint" }, t("hands.hint")),
    control.el,
    h("div", { class: "form-actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    app.conn.send({ type: "table_tally", id: uuid(), question: q.id, counts: control.value() });
    toast(t("hands.queued"), "ok", 1800);
  });
  space.append(form);
}

export function saveIdeas() {
  try {
    localStorage.setItem(app.ideasKey, JSON.stringify(app.ideas.slice(-200)));
  } catch {
    /* full: the outbox still holds what is unsent */
  }
}

/** @param {HTMLElement} space */
export function drawIdeasMode(space) {
  const text = h("textarea", { id: "idea-text", class: "idea-text", maxlength: "500", rows: "4", required: true, "aria-label": t("ideas.label") });
  const count = h("span", { class: "counter" }, t("ideas.chars", { n: 0 }));
  text.addEventListener("input", () => (count.textContent = t("ideas.chars", { n: text.value.length })));
  const roundOut = h("output", { class: "stepper-value", id: "round" }, String(app.round));
  const setRound = (/** @type {number} */ r) => {
    app.round = Math.max(1, Math.min(20, r));
    localStorage.setItem("pk.tablet.round", String(app.round));
    roundOut.textContent = String(app.round);
  };
  const minus = h("button", { type: "button", class: "step", "aria-label": t("ideas.round_less") }, "−");
  const plus = h("button", { type: "button", class: "step", "aria-label": t("ideas.round_more") }, "+");
  minus.addEventListener("click", () => setRound(app.round - 1));
  plus.addEventListener("click", () => setRound(app.round + 1));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-xl", id: "send-idea" }, t("ideas.send"));
  const form = h(
    "form",
    { class: "card idea-form" },
    h("label", { for: "idea-text", class: "section-title" }, t("ideas.label")),
    text,
    h("div", { class: "row" },
      h("div", { class: "stepper-row round-row" }, h("span", { class: "stepper-label" }, t("ideas.round")), h("div", { class: "stepper" }, minus, roundOut, plus)),
      count),
    h("div", { class: "form-actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    const id = uuid();
    app.ideas.push({ id, text: value, round: `r${app.round}`, at: Date.now(), sent: false });
    saveIdeas();
    app.conn.send({ type: "idea", id, text: value, round: `r${app.round}` });
    text.value = "";
    count.textContent = t("ideas.chars", { n: 0 });
    drawIdeas();
    text.focus();
  });
  space.append(form, h("section", { class: "card idea-list-card" }, h("h2", { class: "section-title" }, t("ideas.sent_title")), h("ul", { id: "idea-list", class: "idea-list" })));
  drawIdeas();
}

export function drawIdeas() {
  const list = $("#idea-list");
  if (!list) return;
  clear(list);
  const pendingIds = new Set(app.outbox.messages().map((m) => m.id));
  const shown = [...app.ideas].reverse().slice(0, 50);
  if (!shown.length) list.append(h("li", { class: "empty" }, t("ideas.none")));
  for (const idea of shown) {
    const pending = pendingIds.has(idea.id) || !idea.sent;
    list.append(
      h("li", { class: `idea ${pending ? "idea-pending" : "idea-sent"}`, "data-idea": idea.id },
        h("span", { class: "idea-meta" }, `${t("ideas.round_n", { n: idea.round.replace(/^r/, "") })} · ${fmtTime(idea.at)} · `,
          h("strong", {}, pending ? t("ideas.pending") : t("ideas.sent"))),
        h("span", { class: "idea-body" }, idea.text)),
    );
  }
}
