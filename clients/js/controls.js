// @ts-check
// Answer controls, one per question kind (tablet and keypad share them).
//
//   const control = answerControl(question, previousAnswer, onChange);
//   form.append(control.el);  control.value()  -> the answer (PROTOCOL.md shape) or null
//
// single/demographic: a list of big buttons; multiple: toggles up to max_choices;
// ranked: tap in order (tap again to take back); points: steppers with what is left;
// scale: a row of buttons; budget: toggles with a running total against the budget.

import { $, h } from "./dom.js";
import { t, pick, fmtNumber } from "./i18n.js";
/** @import { Question, ChoiceQuestion, Option, Answer } from "./types.js" */

/**
 * An answer control: its element, the answer it holds (null: none yet), and a way back to none.
 * @template [A=Answer]
 * @typedef {{el: HTMLElement, value: () => A | null, reset: () => void}} Control
 */

/** @typedef {(question: ChoiceQuestion, previous: any, onChange: () => void) => Control} MakeControl */

/** The option id an option button carries (each is made with one). @param {HTMLElement} b */
const optionOf = (b) => /** @type {string} */ (b.dataset.option);

/**
 * @param {Question} question
 * @param {Answer | null} [previous]  the answer given before, if any
 * @param {() => void} [onChange]
 * @returns {Control}
 */
export function answerControl(question, previous, onChange = () => {}) {
  const make = KINDS[question.kind] || KINDS.single;
  // a scale has no options and reads none; every other kind has them
  return make(/** @type {ChoiceQuestion} */ (question), previous, onChange);
}

/** @param {Option} option @param {Record<string, any>} [extra] */
function optionButton(option, extra = {}) {
  return h(
    "button",
    { type: "button", class: "choice", "data-option": option.id, "aria-pressed": "false", ...extra },
    h("span", { class: "choice-mark", "aria-hidden": "true" }),
    h("span", { class: "choice-label" }, pick(option.label)),
  );
}

/** @type {MakeControl} */
function single(question, previous, onChange) {
  /** @type {string | null} */
  let chosen = typeof previous === "string" ? previous : null;
  // radios say "checked", never "pressed" (ARIA allows only aria-checked on a radio)
  const buttons = question.options.map((o) => optionButton(o, { role: "radio", "aria-pressed": null, "aria-checked": "false" }));
  const el = h("div", { class: "choices", role: "radiogroup", "aria-label": pick(question.prompt) }, buttons);
  const draw = () => {
    for (const b of buttons) b.setAttribute("aria-checked", String(b.dataset.option === chosen));
  };
  for (const b of buttons) {
    b.addEventListener("click", () => {
      chosen = optionOf(b);
      draw();
      onChange();
    });
  }
  draw();
  return { el, value: () => chosen, reset: () => ((chosen = null), draw()) };
}

/** @type {MakeControl} */
function multiple(question, previous, onChange) {
  const most = question.max_choices || question.options.length;
  /** @type {string[]} */
  let chosen = Array.isArray(previous) ? [...previous] : [];
  const buttons = question.options.map((o) => optionButton(o));
  const counter = h("p", { class: "counter", "aria-live": "polite" });
  const el = h("div", { class: "choices" }, h("p", { class: "rule" }, t("control.pick_up_to", { n: most })), buttons, counter);
  const draw = () => {
    for (const b of buttons) {
      const on = chosen.includes(optionOf(b));
      b.setAttribute("aria-pressed", String(on));
      b.disabled = !on && chosen.length >= most;
    }
    counter.textContent = t("control.chosen_of", { n: chosen.length, most });
  };
  for (const b of buttons) {
    b.addEventListener("click", () => {
      const id = optionOf(b);
      chosen = chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id].slice(0, most);
      draw();
      onChange();
    });
  }
  draw();
  return { el, value: () => (chosen.length ? [...chosen] : null), reset: () => ((chosen = []), draw()) };
}

/** @type {MakeControl} */
function ranked(question, previous, onChange) {
  const most = question.max_rank || question.options.length;
  /** @type {string[]} */
  let order = Array.isArray(previous) ? [...previous] : [];
  const buttons = question.options.map((o) =>
    h(
      "button",
      { type: "button", class: "choice choice-ranked", "data-option": o.id, "aria-pressed": "false" },
      h("span", { class: "rank-badge" }),
      h("span", { class: "choice-label" }, pick(o.label)),
    ),
  );
  const clearButton = h("button", { type: "button", class: "btn btn-ghost btn-small" }, t("control.clear"));
  const counter = h("p", { class: "counter", "aria-live": "polite" });
  const el = h(
    "div",
    { class: "choices" },
    h("p", { class: "rule" }, t("control.rank_rule", { n: most })),
    buttons,
    h("div", { class: "row" }, counter, clearButton),
  );
  const draw = () => {
    for (const b of buttons) {
      const place = order.indexOf(optionOf(b));
      b.setAttribute("aria-pressed", String(place >= 0));
      // the place is read out with the label ("อันดับ 1 ..."): the name holds the visible text
      const badge = $(".rank-badge", b);
      badge.replaceChildren();
      if (place >= 0) badge.append(h("span", { class: "sr-only" }, `${t("control.rank_n", { n: place + 1 })} `), h("span", { "aria-hidden": "true" }, fmtNumber(place + 1)));
      b.disabled = place < 0 && order.length >= most;
    }
    counter.textContent = t("control.ranked_of", { n: order.length, most });
    clearButton.disabled = !order.length;
  };
  for (const b of buttons) {
    b.addEventListener("click", () => {
      const id = optionOf(b);
      order = order.includes(id) ? order.filter((x) => x !== id) : [...order, id].slice(0, most);
      draw();
      onChange();
    });
  }
  clearButton.addEventListener("click", () => {
    order = [];
    draw();
    onChange();
  });
  draw();
  return { el, value: () => (order.length ? [...order] : null), reset: () => ((order = []), draw()) };
}

/**
 * @param {string} label
 * @param {{value: number, onMinus: () => void, onPlus: () => void, id: string}} parts
 */
function stepper(label, { value, onMinus, onPlus, id }) {
  const out = h("output", { class: "stepper-value", "aria-live": "polite" }, String(value));
  const minus = h("button", { type: "button", class: "step", "aria-label": `${t("control.less")} ${label}`, "data-step": "minus" }, "−");
  const plus = h("button", { type: "button", class: "step", "aria-label": `${t("control.more")} ${label}`, "data-step": "plus" }, "+");
  minus.addEventListener("click", onMinus);
  plus.addEventListener("click", onPlus);
  const row = h("div", { class: "stepper-row", "data-option": id }, h("span", { class: "stepper-label" }, label), h("div", { class: "stepper" }, minus, out, plus));
  return { row, out, minus, plus };
}

/** @type {MakeControl} */
function points(question, previous, onChange) {
  const total = question.points || 1;
  const given = Object.fromEntries(question.options.map((o) => [o.id, Number(previous?.[o.id]) || 0]));
  const left = h("p", { class: "counter big-counter", "aria-live": "polite" });
  const rows = question.options.map((o) => {
    const s = stepper(pick(o.label), {
      value: given[o.id],
      id: o.id,
      onMinus: () => change(o.id, -1),
      onPlus: () => change(o.id, +1),
    });
    return { id: o.id, ...s };
  });
  const sum = () => Object.values(given).reduce((a, b) => a + b, 0);
  const draw = () => {
    const used = sum();
    for (const r of rows) {
      r.out.textContent = String(given[r.id]);
      r.minus.disabled = given[r.id] <= 0;
      r.plus.disabled = used >= total;
      r.row.classList.toggle("has-points", given[r.id] > 0);
    }
    left.textContent = t("control.points_left", { n: total - used, total });
  };
  /** @param {string} id @param {number} delta */
  function change(id, delta) {
    const next = given[id] + delta;
    if (next < 0 || sum() + delta > total) return;
    given[id] = next;
    draw();
    onChange();
  }
  const el = h("div", { class: "choices" }, h("p", { class: "rule" }, t("control.points_rule", { n: total })), left, rows.map((r) => r.row));
  draw();
  return {
    el,
    value: () => {
      if (!sum()) return null;
      return Object.fromEntries(Object.entries(given).filter(([, n]) => n > 0));
    },
    reset: () => {
      for (const k of Object.keys(given)) given[k] = 0;
      draw();
    },
  };
}

/** @type {MakeControl} */
function scale(question, previous, onChange) {
  const lo = question.min ?? 1;
  const hi = question.max ?? 5;
  /** @type {number | null} */
  let chosen = Number.isInteger(previous) ? previous : null;
  const labels = question.labels || {};
  /** @type {number[]} */
  const values = [];
  for (let v = lo; v <= hi; v++) values.push(v);
  const buttons = values.map((v) =>
    h(
      "button",
      { type: "button", class: "scale-button", "data-value": String(v), "aria-checked": "false", role: "radio", "aria-label": labels[String(v)] ? `${fmtNumber(v)} ${pick(labels[String(v)])}` : null },
      fmtNumber(v),
    ),
  );
  const ends = h(
    "div",
    { class: "scale-ends" },
    h("span", {}, labels[String(lo)] ? pick(labels[String(lo)]) : ""),
    h("span", {}, labels[String(hi)] ? pick(labels[String(hi)]) : ""),
  );
  const middle = values.filter((v) => v !== lo && v !== hi && labels[String(v)]);
  const el = h(
    "div",
    { class: "scale" },
    h("div", { class: `scale-row ${values.length > 7 ? "scale-many" : ""}`, role: "radiogroup", "aria-label": pick(question.prompt) }, buttons),
    ends,
    middle.length ? h("ul", { class: "scale-legend" }, middle.map((v) => h("li", {}, `${v}: ${pick(labels[String(v)])}`))) : null,
  );
  const draw = () => {
    for (const b of buttons) b.setAttribute("aria-checked", String(Number(b.dataset.value) === chosen));
  };
  for (const b of buttons) {
    b.addEventListener("click", () => {
      chosen = Number(b.dataset.value);
      draw();
      onChange();
    });
  }
  draw();
  return { el, value: () => chosen, reset: () => ((chosen = null), draw()) };
}

/** @type {MakeControl} */
function budget(question, previous, onChange) {
  const total = question.budget || 0;
  const costs = question.costs || {};
  /** @type {string[]} */
  let chosen = Array.isArray(previous) ? [...previous] : [];
  const spent = () => chosen.reduce((s, id) => s + (costs[id] || 0), 0);
  const buttons = question.options.map((o) =>
    h(
      "button",
      { type: "button", class: "choice choice-budget", "data-option": o.id, "aria-pressed": "false" },
      h("span", { class: "choice-mark", "aria-hidden": "true" }),
      h("span", { class: "choice-label" }, pick(o.label), h("span", { class: "cost" }, t("control.baht", { n: costs[o.id] || 0 }))),
    ),
  );
  const meterFill = h("div", { class: "meter-fill" });
  const meterText = h("p", { class: "counter big-counter", "aria-live": "polite" });
  const meter = h("div", { class: "meter", role: "img" }, meterFill);
  const el = h("div", { class: "choices" }, h("div", { class: "budget-total" }, meterText, meter), buttons);
  const draw = () => {
    const used = spent();
    for (const b of buttons) {
      const id = optionOf(b);
      const on = chosen.includes(id);
      b.setAttribute("aria-pressed", String(on));
      const fits = on || used + (costs[id] || 0) <= total;
      b.disabled = !fits;
      b.classList.toggle("over-budget", !fits);
    }
    const share = total ? Math.min(1, used / total) : 0;
    meterFill.style.width = `${share * 100}%`;
    meterText.textContent = t("control.budget_used", { used, total, left: total - used });
    meter.setAttribute("aria-label", meterText.textContent);
  };
  for (const b of buttons) {
    b.addEventListener("click", () => {
      const id = optionOf(b);
      if (chosen.includes(id)) chosen = chosen.filter((x) => x !== id);
      else if (spent() + (costs[id] || 0) <= total) chosen = [...chosen, id];
      draw();
      onChange();
    });
  }
  draw();
  return { el, value: () => (chosen.length ? [...chosen] : null), reset: () => ((chosen = []), draw()) };
}

/** @type {Record<string, MakeControl>} */
const KINDS = { single, demographic: single, multiple, ranked, points, scale, budget };

/** Show-of-hands counts for a single/multiple question at a table of `seats`. */
/**
 * @param {ChoiceQuestion} question
 * @param {number} seats
 * @param {() => void} [onChange]
 * @returns {Control<Record<string, number>>}
 */
export function handsControl(question, seats, onChange = () => {}) {
  const counts = Object.fromEntries(question.options.map((o) => [o.id, 0]));
  const isSingle = question.kind === "single";
  const sum = () => Object.values(counts).reduce((a, b) => a + b, 0);
  const total = h("p", { class: "counter big-counter", "aria-live": "polite" });
  const rows = question.options.map((o) => {
    const s = stepper(pick(o.label), {
      value: 0,
      id: o.id,
      onMinus: () => change(o.id, -1),
      onPlus: () => change(o.id, +1),
    });
    return { id: o.id, ...s };
  });
  /** @param {string} id @param {number} delta */
  function change(id, delta) {
    const next = counts[id] + delta;
    if (next < 0 || next > seats) return;
    if (isSingle && sum() + delta > seats) return;
    counts[id] = next;
    draw();
    onChange();
  }
  const draw = () => {
    for (const r of rows) {
      r.out.textContent = String(counts[r.id]);
      r.minus.disabled = counts[r.id] <= 0;
      r.plus.disabled = counts[r.id] >= seats || (isSingle && sum() >= seats);
    }
    total.textContent = isSingle ? t("hands.total_single", { n: sum(), seats }) : t("hands.total_multiple", { seats });
  };
  draw();
  const el = h("div", { class: "choices" }, total, rows.map((r) => r.row));
  return { el, value: () => ({ ...counts }), reset: () => { for (const k in counts) counts[k] = 0; draw(); } };
}

/** @param {string} kind */
export function kindName(kind) {
  return t(`kind.${kind}`);
}
