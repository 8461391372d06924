// @ts-check
// Drawing a Results object (PROTOCOL.md): ranked bars that move smoothly as votes arrive,
// a histogram for scales, the funded line for budgets, and a pre/post comparison.
// Shared by the plenary display and the organiser console.

import { h, clear } from "./dom.js";
import { t, pick, fmtNumber, fmtPercent } from "./i18n.js";
import { fitText } from "./words.js";
import { UNSET } from "./types.js";
/** @import { Results, Question, Text } from "./types.js" */

const RANK_KINDS = new Set(["single", "multiple", "ranked", "points", "budget", "demographic"]);

/** The i18n key of a score's unit. @param {string} kind @param {string} [method] */
export function scoreUnit(kind, method) {
  if (kind === "ranked") return method === "irv" ? "results.unit_votes" : method === "schulze" ? "results.unit_wins" : "results.unit_points";
  if (kind === "points") return "results.unit_dots";
  return "results.unit_votes";
}

/** Bars in ranking order; rows keep their element so a change of place slides. */
/**
 * One option's bar; `fitted`: the label and badge it was last fitted to.
 * @typedef {{el: HTMLDivElement, rank: HTMLSpanElement, label: HTMLSpanElement, badge: HTMLSpanElement, fill: HTMLSpanElement, value: HTMLSpanElement, fitted?: string}} BarRow
 */

export class RankedBars {
  /** @param {{max?: number, fitLabels?: boolean}} [options] */
  constructor({ max = 10, fitLabels = false } = {}) {
    this.max = max;
    this.fitLabels = fitLabels; // the plenary: a long label is cut between words, never inside one
    /** @type {Map<string, BarRow>} */
    this.rows = new Map();
    this.el = h("div", { class: "bars", role: "list" });
  }

  /** @param {Results} results @param {Question | null} [question] */
  update(results, question) {
    const ranking = (results.ranking || []).slice(0, this.max);
    const top = Math.max(1, ...ranking.map((r) => r.score || 0));
    const funded = new Set(results.funded || []);
    const unit = t(scoreUnit(results.kind, results.method));
    const seen = new Set();
    this.el.style.setProperty("--rows", String(Math.max(ranking.length, 1)));
    ranking.forEach((r, index) => {
      seen.add(r.option);
      let row = this.rows.get(r.option);
      if (!row) {
        row = this.makeRow(r.option);
        this.rows.set(r.option, row);
        this.el.append(row.el);
        row.el.style.transform = `translateY(calc(${index} * var(--row-h)))`;
        void row.el.offsetWidth; // start from here: later changes animate
      }
      const label = labelOf(r, question);
      row.el.style.transform = `translateY(calc(${index} * var(--row-h)))`;
      row.el.dataset.rank = String(r.rank);
      row.el.dataset.score = String(r.score);
      row.el.setAttribute("aria-label", `${r.rank}. ${label}: ${fmtNumber(r.score)} ${unit}`);
      row.el.classList.toggle("is-funded", funded.has(r.option));
      row.el.classList.toggle("is-leader", r.rank === 1 && r.score > 0);
      row.rank.textContent = fmtNumber(r.rank);
      row.badge.textContent = funded.has(r.option) ? t("results.funded") : "";
      row.badge.classList.toggle("hidden", !funded.has(r.option));
      const fitted = `${label}\n${row.badge.textContent}`; // the badge takes room from the label
      if (!this.fitLabels) row.label.textContent = label;
      else if (row.fitted !== fitted) {
        row.fitted = fitted;
        fitText(row.label, label, 1);
      }
      row.fill.style.width = `${((r.score || 0) / top) * 100}%`;
      row.value.textContent = `${fmtNumber(r.score)} ${unit} · ${fmtPercent(r.share || 0)}`;
    });
    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
  }

  /** @param {string} option @returns {BarRow} */
  makeRow(option) {
    const rank = h("span", { class: "bar-rank" });
    const label = h("span", { class: "bar-label" });
    const badge = h("span", { class: "bar-badge hidden" });
    const fill = h("span", { class: "bar-fill" });
    const value = h("span", { class: "bar-value" });
    const el = h(
      "div",
      { class: "bar-row", role: "listitem", "data-option": option },
      rank,
      h("div", { class: "bar-body" }, h("div", { class: "bar-text" }, label, badge), h("div", { class: "bar-track" }, fill)),
      value,
    );
    return { el, rank, label, badge, fill, value };
  }
}

/** @param {{option: string, label?: Text}} row @param {Question | null} [question] */
function labelOf(row, question) {
  if (row.label !== undefined) return pick(row.label);
  const option = question?.options?.find((o) => o.id === row.option);
  return option ? pick(option.label) : row.option;
}

/** A scale's histogram: one column per value, with the mean and median beneath. */
export class Histogram {
  constructor() {
    this.el = h("div", { class: "histogram-wrap" });
    /** @type {Map<string, {el: HTMLDivElement, fill: HTMLSpanElement, count: HTMLSpanElement, sub: HTMLSpanElement}>} */
    this.cols = new Map();
    this.grid = h("div", { class: "histogram", role: "list" });
    this.summary = h("p", { class: "histogram-summary" });
    this.el.append(this.grid, this.summary);
  }

  /** @param {Results} results @param {Question | null} [question] */
  update(results, question) {
    const histogram = results.histogram || {};
    const entries = Object.entries(histogram);
    const top = Math.max(1, ...entries.map(([, n]) => n));
    const total = entries.reduce((s, [, n]) => s + n, 0);
    const labels = question?.labels || {};
    for (const [value, n] of entries) {
      let col = this.cols.get(value);
      if (!col) {
        const fill = h("span", { class: "col-fill" });
        const count = h("span", { class: "col-count" });
        const name = h("span", { class: "col-name" }, fmtNumber(Number(value)));
        const sub = h("span", { class: "col-sub" }, labels[value] ? pick(labels[value]) : "");
        const el = h("div", { class: "col", role: "listitem", "data-value": value }, count, h("div", { class: "col-track" }, fill), name, sub);
        col = { el, fill, count, sub };
        this.cols.set(value, col);
        this.grid.append(el);
      }
      col.fill.style.height = `${(n / top) * 100}%`;
      clear(col.count).append(h("span", { class: "col-n" }, `${fmtNumber(n)}${total ? " · " : ""}`), total ? h("span", { class: "col-pct" }, fmtPercent(n / total)) : "");
      col.sub.textContent = labels[value] ? pick(labels[value]) : "";
    }
    this.summary.textContent =
      results.mean === null || results.mean === undefined
        ? t("results.no_answers")
        : t("results.mean_median", { mean: fmtNumber(results.mean, { maximumFractionDigits: 2 }), median: fmtNumber(results.median, { maximumFractionDigits: 1 }) });
  }
}

/** One place to draw any Results object into `mount` (keeps the drawer for updates). */
export class ResultsView {
  /** @param {HTMLElement} mount @param {{max?: number, fitLabels?: boolean}} [options] */
  constructor(mount, { max = 10, fitLabels = false } = {}) {
    this.mount = mount;
    this.max = max;
    this.fitLabels = fitLabels;
    /** @type {string | null} */
    this.kind = null;
    /** @type {Histogram | RankedBars} */
    this.drawer = UNSET; // made with `kind`
    /** @type {HTMLElement} */
    this.extra = UNSET;
  }

  /** @param {Results | {hidden: true} | undefined} given @param {Question} [question] */
  update(given, question) {
    if (!given) return;
    if (given.hidden) {
      this.kind = "hidden";
      clear(this.mount).append(h("div", { class: "results-hidden" }, h("p", { class: "hidden-note" }, t("results.hidden"))));
      return;
    }
    const results = /** @type {Results} */ (given);
    const kind = results.kind === "scale" ? "scale" : RANK_KINDS.has(results.kind) ? "ranked" : "ranked";
    const key = `${kind}:${results.question}:${results.method}`;
    if (this.kind !== key) {
      this.kind = key;
      this.drawer = kind === "scale" ? new Histogram() : new RankedBars({ max: this.max, fitLabels: this.fitLabels });
      this.extra = h("p", { class: "results-extra" });
      clear(this.mount).append(this.drawer.el, this.extra);
    }
    this.drawer.update(results, question);
    if (results.kind === "budget") {
      this.extra.textContent = t("results.budget_line", { spent: results.spent ?? 0, budget: results.budget ?? 0, n: (results.funded || []).length });
    } else if (results.kind === "ranked") {
      this.extra.textContent = t(`results.method_${results.method}`);
    } else this.extra.textContent = "";
  }
}

/** Participation: voters of eligible, tables reporting of tables. */
/** @param {Partial<Results>} results */
export function participationText(results) {
  return {
    voters: t("results.voters", { n: results.voters ?? 0, eligible: results.eligible ?? 0 }),
    tables: t("results.tables", { n: results.tables_reporting ?? 0, total: results.tables_total ?? 0 }),
  };
}

/**
 * Pre/post side by side: two scale histograms, or shares per option for single.
 * @param {Results | null | undefined} pre
 * @param {Results | null | undefined} post
 * @param {Question | null} [preQ]
 * @param {Question | null} [postQ]
 */
export function compareView(pre, post, preQ, postQ) {
  const wrap = h("div", { class: "compare" });
  if (!pre || !post) {
    wrap.append(h("p", { class: "hidden-note" }, t("results.waiting")));
    return wrap;
  }
  if (pre.hidden || post.hidden) {
    wrap.append(h("p", { class: "hidden-note" }, t("results.hidden")));
    return wrap;
  }
  if (pre.kind === "scale") {
    const a = new Histogram();
    const b = new Histogram();
    a.update(pre, preQ);
    b.update(post, postQ);
    const shift = pre.mean !== null && post.mean !== null && pre.mean !== undefined && post.mean !== undefined ? post.mean - pre.mean : null;
    wrap.append(
      h("p", { class: "compare-shift" }, shift === null ? t("results.no_answers") : t("results.mean_shift", { shift: `${shift > 0 ? "+" : ""}${fmtNumber(shift, { maximumFractionDigits: 2 })}` })),
      h("div", { class: "compare-cols" },
        h("section", { class: "compare-side compare-pre" }, h("h3", {}, t("results.pre"), h("span", { class: "compare-n" }, t("results.n_voters", { n: pre.voters }))), a.el),
        h("section", { class: "compare-side compare-post" }, h("h3", {}, t("results.post"), h("span", { class: "compare-n" }, t("results.n_voters", { n: post.voters }))), b.el)),
    );
    return wrap;
  }
  const preShare = Object.fromEntries((pre.ranking || []).map((r) => [r.option, r.share]));
  const rows = (preQ?.options || []).map((o) => {
    const before = preShare[o.id] || 0;
    const after = (post.ranking || []).find((r) => r.option === o.id)?.share || 0;
    const delta = Math.round((after - before) * 100);
    return h("div", { class: "pair-row", "data-option": o.id },
      h("span", { class: "bar-label" }, pick(o.label)),
      h("div", { class: "pair-bars" },
        h("div", { class: "bar-track pre" }, h("span", { class: "bar-fill", style: { width: `${before * 100}%` } })),
        h("div", { class: "bar-track post" }, h("span", { class: "bar-fill", style: { width: `${after * 100}%` } }))),
      h("span", { class: "bar-value" }, `${fmtPercent(before)} → ${fmtPercent(after)} (${delta > 0 ? "+" : ""}${fmtNumber(delta)})`));
  });
  wrap.append(h("div", { class: "pair-legend" }, h("span", { class: "key key-pre" }, t("results.pre")), h("span", { class: "key key-post" }, t("results.post"))), h("div", { class: "pairs" }, rows));
  return wrap;
}
