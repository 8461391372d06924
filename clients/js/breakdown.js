// @ts-check
// Results by group on the plenary (`{"view": "breakdown", "question", "by"}`): the answer
// `GET …/results?by=<demographic question>` drawn as grouped bars, one column of bars per
// group beside "everyone", the options as rows in the whole meeting's order, so a row
// reads across the groups. Each figure is the option's share within its group. A group
// too small to show (the server suppresses it) keeps its column, saying so.
//
//   const matrix = new BreakdownMatrix(mount);  matrix.update(found, question);

import { $$, h, clear } from "./dom.js";
import { t, pick, fmtNumber, fmtPercent } from "./i18n.js";
/** @import { Breakdown, Question, RankRow, Text } from "./types.js" */

/**
 * A column of the matrix: everyone, or one group (suppressed: too small to show).
 * @typedef {{id: string, label: string, voters: number | null, everyone?: boolean, suppressed?: boolean, shares: Record<string, number>, mean?: number}} Column
 */
/** @typedef {{scale: boolean, rows: {id: string, label: string}[], columns: Column[], cut: boolean}} Matrix */
/** @typedef {{histogram?: Record<string, number>, ranking?: RankRow[], voters?: number, mean?: number}} Counted  what a matrix reads of a Results */

export const MAX_OPTIONS = 8;
const MAX_GROUPS = 11;
const ROW_MOST_REM = 3.6; // rows never taller than this, however few
const ROW_LEAST_REM = 1.8;

/** Each option's (or value's) share. @param {Counted | null | undefined} results @returns {Record<string, number>} */
function shares(results) {
  if (!results) return {};
  if (results.histogram) {
    const histogram = results.histogram;
    const total = Object.values(histogram).reduce((a, b) => a + b, 0);
    return Object.fromEntries(Object.entries(histogram).map(([v, n]) => [v, total ? n / total : 0]));
  }
  return Object.fromEntries((results.ranking || []).map((r) => [r.option, r.share || 0]));
}

/** @param {{option: string, label?: Text}} row @param {Question | null} [question] */
function optionLabel(row, question) {
  if (row.label !== undefined) return pick(row.label);
  const option = question?.options?.find((o) => o.id === row.option);
  return option ? pick(option.label) : row.option;
}

/** The rows (options, or a scale's values) in the whole meeting's order, and the columns. */
/** @param {Breakdown} found @param {Question | null} [question] @returns {Matrix} */
export function matrixOf(found, question) {
  /** @type {Counted} */
  const all = found.all || {};
  const scale = Boolean(all.histogram);
  /** @type {{id: string, label: string}[]} */
  let rows;
  if (scale && all.histogram) {
    const labels = question?.labels || {};
    rows = Object.keys(all.histogram)
      .sort((a, b) => Number(a) - Number(b))
      .map((v) => ({ id: v, label: labels[v] ? `${fmtNumber(Number(v))} · ${pick(labels[v])}` : fmtNumber(Number(v)) }));
  } else {
    rows = (all.ranking || []).map((r) => ({ id: r.option, label: optionLabel(r, question) }));
  }
  const cut = rows.length > MAX_OPTIONS;
  rows = rows.slice(0, MAX_OPTIONS);
  /** @type {Column[]} */
  const columns = [
    { id: "*", label: t("plenary.everyone"), voters: all.voters ?? 0, everyone: true, shares: shares(all), mean: all.mean },
    ...(found.groups || []).slice(0, MAX_GROUPS).map((g) => ({
      id: g.group,
      label: pick(g.label) || g.group,
      voters: g.voters,
      suppressed: Boolean(g.suppressed),
      shares: g.suppressed ? {} : shares(g.results),
      mean: g.results?.mean,
    })),
  ];
  return { scale, rows, columns, cut };
}

export class BreakdownMatrix {
  /** @param {HTMLElement} mount */
  constructor(mount) {
    this.mount = mount;
    /** @type {string | null} */
    this.shape = null;
    /** @type {Map<string, {el: HTMLDivElement, fill: HTMLSpanElement, pct: HTMLSpanElement}>} */
    this.cells = new Map(); // "group|option" -> {el, fill, pct}
    /** @type {Map<string, HTMLSpanElement>} */
    this.heads = new Map(); // group -> the count under its name
    /** @type {Map<string, HTMLSpanElement>} */
    this.means = new Map();
    /** @type {HTMLDivElement | undefined} */
    this.grid = undefined; // made by build
    this.rowCount = 0;
  }

  /** @param {Breakdown} found @param {Question | null} [question] */
  update(found, question) {
    const m = matrixOf(found, question);
    const shape = JSON.stringify([m.rows.map((r) => [r.id, r.label]), m.columns.map((c) => [c.id, c.label, c.suppressed])]);
    if (shape !== this.shape) this.build(m, shape);
    const visible = m.columns.filter((c) => !c.suppressed);
    const top = Math.max(0.01, ...visible.flatMap((c) => m.rows.map((r) => c.shares[r.id] || 0)));
    for (const c of m.columns) {
      const n = this.heads.get(c.id);
      if (n) n.textContent = c.suppressed ? "\u00a0" : t("results.n_voters", { n: c.voters ?? 0 }); // keeps the heads aligned
      if (c.suppressed) continue;
      const best = Math.max(...m.rows.map((r) => c.shares[r.id] || 0));
      for (const r of m.rows) {
        const cell = this.cells.get(`${c.id}|${r.id}`);
        if (!cell) continue; // built with the shape: every cell of a column shown
        const share = c.shares[r.id] || 0;
        cell.el.dataset.share = String(Math.round(share * 10000) / 10000);
        cell.el.classList.toggle("is-top", share > 0 && share === best);
        cell.fill.style.width = `${(share / top) * 100}%`;
        cell.pct.textContent = fmtPercent(share);
        cell.el.setAttribute("aria-label", `${c.label}, ${r.label}: ${fmtPercent(share)}`);
      }
      const mean = this.means.get(c.id);
      if (mean) mean.textContent = typeof c.mean === "number" ? fmtNumber(c.mean, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : "–";
    }
  }

  /** @param {Matrix} m @param {string} shape */
  build(m, shape) {
    this.shape = shape;
    this.cells.clear();
    this.heads.clear();
    this.means.clear();
    const rowCount = m.rows.length + (m.scale ? 1 : 0);
    const grid = h("div", {
      class: `bd-matrix ${m.columns.length > 6 ? "is-many" : ""}`,
      role: "table",
      "aria-rowcount": String(rowCount + 1),
      style: { gridTemplateColumns: `minmax(9rem, ${m.columns.length > 6 ? 13 : 15}rem) repeat(${m.columns.length}, minmax(0, 1fr))`, gridTemplateRows: `auto repeat(${rowCount}, ${ROW_MOST_REM}rem)` },
    });
    this.grid = grid;
    this.rowCount = rowCount;
    // ARIA rows around the cells (a table needs them); display: contents keeps each cell
    // placed on the grid itself
    const rows = Array.from({ length: rowCount + 1 }, () => h("div", { role: "row", style: { display: "contents" } }));
    grid.append(...rows);
    rows[0].append(h("div", { class: "bd-corner", role: "columnheader" }));
    m.columns.forEach((c, i) => {
      const n = h("span", { class: "bd-n" });
      this.heads.set(c.id, n);
      rows[0].append(
        h("div", { class: `bd-head ${c.everyone ? "is-everyone" : ""} ${c.suppressed ? "is-suppressed" : ""}`, role: "columnheader", "data-group": c.id, style: { gridColumn: String(i + 2), gridRow: "1" } },
          h("span", { class: "bd-group" }, c.label), n),
      );
    });
    m.rows.forEach((r, j) => {
      rows[j + 1].append(h("div", { class: "bd-option", role: "rowheader", "data-option": r.id, style: { gridColumn: "1", gridRow: String(j + 2) } }, h("span", {}, r.label)));
    });
    if (m.scale) rows[rowCount].append(h("div", { class: "bd-option bd-mean-label", role: "rowheader", style: { gridColumn: "1", gridRow: String(rowCount + 1) } }, h("span", {}, t("plenary.mean"))));
    m.columns.forEach((c, i) => {
      const column = String(i + 2);
      if (c.suppressed) {
        rows[1].append(
          h("div", { class: "bd-suppressed", role: "cell", "data-group": c.id, style: { gridColumn: column, gridRow: `2 / span ${rowCount}` } },
            h("span", {}, t("plenary.too_few"))),
        );
        return;
      }
      m.rows.forEach((r, j) => {
        const fill = h("span", { class: "bd-fill" });
        const pct = h("span", { class: "bd-pct" });
        const el = h("div", { class: `bd-cell ${c.everyone ? "is-everyone" : ""}`, role: "cell", "data-group": c.id, "data-option": r.id, style: { gridColumn: column, gridRow: String(j + 2) } },
          h("span", { class: "bd-track" }, fill), pct);
        this.cells.set(`${c.id}|${r.id}`, { el, fill, pct });
        rows[j + 1].append(el);
      });
      if (m.scale) {
        const mean = h("span", { class: "bd-mean" });
        this.means.set(c.id, mean);
        rows[rowCount].append(h("div", { class: `bd-cell bd-mean-cell ${c.everyone ? "is-everyone" : ""}`, role: "cell", "data-group": c.id, style: { gridColumn: column, gridRow: String(rowCount + 1) } }, mean));
      }
    });
    clear(this.mount).append(grid);
    this.fit();
    document.fonts?.ready.then(() => this.fit()); // the heads' height depends on the font
  }

  /** Rows share the height the screen has left (nothing scrolls), labels sized to fit. */
  fit() {
    const { grid, rowCount } = this;
    if (!grid?.isConnected || !this.mount.clientHeight) return;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const head = Math.max(0, ...[...$$(".bd-head", grid)].map((el) => el.scrollHeight));
    const row = Math.max(ROW_LEAST_REM * rem, Math.min(ROW_MOST_REM * rem, (this.mount.clientHeight - head - 2) / rowCount));
    grid.style.gridTemplateRows = `auto repeat(${rowCount}, ${Math.floor(row)}px)`;
    grid.style.setProperty("--bd-label", `${Math.min(1.25 * rem, row / 2.75)}px`);
  }
}

/** The note under the matrix: what the figures are, and what is left out. */
/** @param {Breakdown} found */
export function breakdownNote(found) {
  const m = matrixOf(found, null);
  const parts = [t("plenary.share_note", { n: found.min_group ?? 5 })];
  if (m.cut) parts.push(t("plenary.top_options", { n: MAX_OPTIONS }));
  if (found.not_grouped) parts.push(t("plenary.not_grouped", { n: found.not_grouped }));
  return parts.join(" · ");
}
