// @ts-check
// Results on the big screen only when the organiser means it. Putting an open question on
// the plenary shows its participation only (the server keeps `reveal: false` when none is
// given); its live standings go up only through revealResults(), which asks first in a
// real dialog (keyboard: Tab between the two buttons, Esc or "cancel" keeps them hidden)
// saying what the hall will see. A question that is closed is revealed without asking.
//
//   await revealResults({call, meeting, view, question, by, results})   // true if revealed
//   plenaryPreview(displayCode)   // a live, scaled copy of what the hall sees (plenary.html)

import { h } from "./dom.js";
import { t, pick } from "./i18n.js";
/** @import { Question, Results, PlenaryView } from "./types.js" */

/** @typedef {(method: string, path: string, body?: any) => Promise<any>} Call  the API with the organiser's token */

const STAGE = { width: 1920, height: 1080 }; // the plenary's design size

/**
 * Ask before live results go on the plenary. Answers true when the organiser confirms.
 * @param {{question?: Question | null, by?: Question | null, results?: Results | null}} shown
 * @returns {Promise<boolean>}
 */
export function confirmReveal({ question, by, results }) {
  return new Promise((resolve) => {
    const prompt = pick(question?.prompt) || question?.id || "";
    const body = by
      ? t("reveal.body_breakdown", { prompt, by: pick(by.prompt) || by.id })
      : t("reveal.body", { prompt });
    const voted = results ? t("reveal.voted", { n: results.voters ?? 0, total: results.eligible ?? 0 }) : "";
    const cancel = h("button", { type: "submit", value: "cancel", class: "btn btn-secondary", id: "reveal-cancel", autofocus: true }, t("reveal.cancel"));
    const confirm = h("button", { type: "submit", value: "reveal", class: "btn btn-danger", id: "reveal-confirm" }, t("reveal.confirm"));
    const dialog = h("dialog", { class: "reveal-dialog", id: "reveal-dialog", "aria-labelledby": "reveal-title", "aria-describedby": "reveal-body" },
      h("form", { method: "dialog" },
        h("h2", { id: "reveal-title" }, t("reveal.title")),
        h("div", { id: "reveal-body" },
          h("p", {}, body),
          h("ul", { class: "reveal-list" }, ["reveal.sees_1", "reveal.sees_2", "reveal.sees_3"].map((k) => h("li", {}, t(k)))),
          voted ? h("p", { class: "reveal-voted" }, voted) : null),
        h("div", { class: "reveal-actions" }, cancel, confirm)));
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "reveal");
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/**
 * Reveal the results of the question (or breakdown) on show. An open question asks first;
 * answers whether the view was changed.
 * @param {object} shown
 * @param {Call} shown.call
 * @param {string} shown.meeting  its id
 * @param {PlenaryView} shown.view  the view on show
 * @param {Question | null} [shown.question]
 * @param {Question | null} [shown.by]  a breakdown's grouping question
 * @param {Results | null} [shown.results]
 */
export async function revealResults({ call, meeting, view, question, by, results }) {
  if (question?.state === "open" || (by && by.state === "open")) {
    if (!(await confirmReveal({ question, by: view.view === "breakdown" ? by : null, results }))) return false;
  }
  await call("PUT", `/api/meetings/${meeting}/plenary`, { ...stripped(view), reveal: true });
  return true;
}

/** The view as the organiser set it, without what the server added (seq). @param {PlenaryView} view */
function stripped(view) {
  const { seq, ...rest } = view;
  return rest;
}

/** A live copy of the plenary at its design size, scaled into its box, not interactive. @param {string} displayCode */
export function plenaryPreview(displayCode) {
  const frame = h("iframe", {
    class: "preview-frame",
    id: "plenary-preview",
    src: `/app/plenary.html#code=${encodeURIComponent(displayCode)}&preview=1`,
    title: t("reveal.preview_title"),
    width: String(STAGE.width),
    height: String(STAGE.height),
    tabindex: "-1",
    inert: true,
  });
  const box = h("div", { class: "preview-box" }, frame);
  const fit = () => {
    const scale = box.clientWidth / STAGE.width;
    if (!scale) return;
    frame.style.transform = `scale(${scale})`;
    box.style.height = `${Math.round(STAGE.height * scale)}px`;
  };
  new ResizeObserver(fit).observe(box);
  requestAnimationFrame(fit);
  return box;
}
