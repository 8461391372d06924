// @ts-check
// The organiser's tables tab: one tile per table, whether its tablet is connected, when it
// was last heard from, and how many of its seats voted on each open question.
//
//   const poll = drawTablesTab(main, {call, meeting: () => app.meeting, questions: () => app.questions, shown: () => app.tab === "tables"});
//
// At 500 tables the grid is several screens long, so it is read every 3 s and updated in
// place (a tile's text and classes change, nothing is rebuilt unless the open questions
// change), and a filter shows only the tables that need help: the tablet not connected,
// or a question that some of its seats answered and others not yet.

import { $, $$, h, clear, toast } from "./dom.js";
import { t, pick, errorText, fmtNumber, fmtTime, currentLang } from "./i18n.js";
/** @import { Meeting, Question, Site } from "./types.js" */

/**
 * @typedef {object} TableRow  one table of GET …/tables
 * @property {number} table
 * @property {string} [site]
 * @property {boolean} connected  its tablet
 * @property {boolean} [phones]  any phone of its seats
 * @property {number | null} [last_seen]  ms since 1970 (null: never)
 * @property {Record<string, number>} voted  open question -> voters counted there
 */

/**
 * @typedef {object} TablesAnswer  GET /api/meetings/{m}/tables
 * @property {number} seats
 * @property {string[]} questions  the open ones, in agenda order
 * @property {number} now  the server's clock
 * @property {TableRow[]} [tables]
 */

/**
 * @typedef {object} TablesContext  what the console hands the tab
 * @property {(method: string, path: string, body?: any) => Promise<any>} call
 * @property {() => Meeting | null} meeting
 * @property {() => Question[]} questions
 * @property {() => boolean} shown  whether the tab is on screen
 */

/** @typedef {{q: string, el: HTMLElement, n: HTMLElement, fill: HTMLElement}} TileQuestion */
/** @typedef {{el: HTMLElement, state: HTMLElement, seen: HTMLElement, questions: TileQuestion[], last: string}} Tile */

/**
 * @typedef {object} TablesState
 * @property {string} filter  all or help
 * @property {Map<number, Tile>} tiles  table -> its tile
 * @property {string} shape  what the grid was built for
 * @property {TablesAnswer | null} found  the last reading
 */

const POLL_MS = 3000;
const FILTER_KEY = "pk.organiser.tables_filter";
const FILTERS = ["all", "help"];

/** Draw the tab into `main`; answers the interval that reads the status again. @param {HTMLElement} main @param {TablesContext} ctx */
export function drawTablesTab(main, ctx) {
  const saved = localStorage.getItem(FILTER_KEY);
  /** @type {TablesState} */
  const state = { filter: saved && FILTERS.includes(saved) ? saved : "all", tiles: new Map(), shape: "", found: null };
  const filter = h("fieldset", { class: "segmented tables-filter", id: "tables-filter" },
    h("legend", {}, t("tables.filter")),
    FILTERS.map((f) =>
      h("label", { class: "segment" },
        h("input", { type: "radio", name: "tables-filter", value: f, checked: f === state.filter, onchange: () => {
          state.filter = f;
          localStorage.setItem(FILTER_KEY, f);
          if (state.found) applyFilter(state, state.found);
        } }),
        h("span", { id: `tables-filter-${f}` }, t(`tables.filter_${f}_n`, { n: 0 })))));
  main.append(
    h("section", { class: "card", id: "tables-card" },
      h("div", { class: "card-head" }, h("h2", {}, t("tables.title")), h("span", { class: "big-note", id: "tables-summary" })),
      h("p", { class: "hint" }, t("tables.hint")),
      h("ul", { class: "tables-questions", id: "tables-questions" }),
      filter,
      h("p", { class: "empty hidden", id: "tables-all-well" }, t("tables.all_well")),
      h("div", { id: "table-grid", "aria-live": "off" })),
  );
  const read = async () => {
    try {
      const meeting = ctx.meeting();
      if (!meeting) throw new Error("tables: no meeting yet");
      /** @type {TablesAnswer} */
      const found = await ctx.call("GET", `/api/meetings/${meeting.id}/tables`);
      if (ctx.shown() && $("#table-grid")) drawTables(state, found, ctx);
    } catch (err) {
      toast(errorText(err.code, err.detail), "error");
    }
  };
  read();
  return setInterval(read, POLL_MS);
}

/** Needs help: its tablet is not connected, or an open question is partly voted there. @param {TableRow} row @param {TablesAnswer} found */
export function needsHelp(row, found) {
  if (!row.connected) return true;
  return found.questions.some((q) => {
    const n = row.voted[q] || 0;
    return n > 0 && n < found.seats;
  });
}

/** @param {TablesAnswer} found @param {TableRow} row */
function seenText(found, row) {
  if (row.last_seen === null || row.last_seen === undefined) return t("tables.never");
  const seconds = Math.max(0, Math.round((found.now - row.last_seen) / 1000));
  if (seconds < 15) return t("tables.seen", { when: t("tables.just_now") });
  const format = new Intl.RelativeTimeFormat(currentLang() === "th" ? "th-TH" : "en-GB", { numeric: "auto", style: "short" });
  const when = seconds < 3600 ? format.format(-Math.round(seconds / 60) || -1, "minute") : format.format(-Math.round(seconds / 3600), "hour");
  return t("tables.seen", { when });
}

/** @param {TableRow} row */
function stateKey(row) {
  if (row.connected) return "connected";
  return row.phones ? "phones" : "offline";
}

/** @param {TablesState} state @param {TablesAnswer} found @param {TablesContext} ctx */
function drawTables(state, found, ctx) {
  state.found = found;
  const rows = found.tables || [];
  const connected = rows.filter((r) => r.connected).length;
  $("#tables-summary").textContent = t("tables.connected_of", { n: connected, total: rows.length });
  drawQuestions(found, rows, ctx);
  const sites = ctx.meeting()?.sites || [];
  const shape = JSON.stringify([found.questions, found.seats, sites.map((s) => s.id), rows.length, currentLang()]);
  if (shape !== state.shape) build(state, found, rows, sites);
  for (const row of rows) updateTile(state.tiles.get(row.table), found, row);
  applyFilter(state, found);
}

/** @param {TablesAnswer} found @param {TableRow[]} rows @param {TablesContext} ctx */
function drawQuestions(found, rows, ctx) {
  const questions = clear($("#tables-questions"));
  if (!found.questions.length) questions.append(h("li", { class: "hint" }, t("tables.no_open")));
  for (const q of found.questions) {
    const voted = rows.reduce((sum, r) => sum + (r.voted[q] || 0), 0);
    const prompt = pick(ctx.questions().find((x) => x.id === q)?.prompt) || q;
    questions.append(
      h("li", { "data-question": q, "data-voted": String(voted) },
        h("span", { class: "q-id" }, q), " ", h("span", { class: "q-prompt" }, prompt), " · ",
        h("strong", {}, t("tables.voted_of", { n: voted, total: rows.length * found.seats }))));
  }
}

/**
 * The grid's skeleton: a section per site, a tile per table (filled by updateTile).
 * @param {TablesState} state
 * @param {TablesAnswer} found
 * @param {TableRow[]} rows
 * @param {Site[]} sites
 */
function build(state, found, rows, sites) {
  const groups = sites.length
    ? [...sites.map((s) => ({ id: s.id, name: pick(s.name), rows: rows.filter((r) => r.site === s.id) })),
       { id: "", name: t("tables.no_site"), rows: rows.filter((r) => !r.site) }]
    : [{ id: "", name: "", rows }];
  state.tiles = new Map();
  const grid = clear($("#table-grid"));
  for (const group of groups) {
    if (!group.rows.length) continue;
    grid.append(
      h("section", { class: "tables-site", "data-site": group.id },
        group.name ? h("h3", {}, group.name, " ", h("span", { class: "group-n" })) : null,
        h("ol", { class: "table-grid" }, group.rows.map((r) => {
          const tile = makeTile(found, r);
          state.tiles.set(r.table, tile);
          return tile.el;
        }))));
  }
  state.shape = JSON.stringify([found.questions, found.seats, sites.map((s) => s.id), rows.length, currentLang()]);
}

/** @param {TablesAnswer} found @param {TableRow} r @returns {Tile} */
function makeTile(found, r) {
  const state = h("span", { class: "tile-state" });
  const seen = h("span", { class: "tile-seen" });
  const questions = found.questions.map((q) => {
    const n = h("span", { class: "tile-q-n" });
    const fill = h("span", { class: "tile-fill" });
    const el = h("span", { class: "tile-q", "data-question": q }, h("span", { class: "tile-q-id" }, q), n, h("span", { class: "tile-bar" }, fill));
    return { q, el, n, fill };
  });
  const el = h("li", { class: "table-tile", "data-table": String(r.table) },
    h("span", { class: "tile-n" }, fmtNumber(r.table)), state, questions.map((x) => x.el), seen);
  return { el, state, seen, questions, last: "" };
}

/** Change only what changed: at 500 tables, a redraw every 3 s is what made the tab slow. @param {Tile | undefined} tile @param {TablesAnswer} found @param {TableRow} r */
function updateTile(tile, found, r) {
  if (!tile) return;
  const key = stateKey(r);
  const seen = seenText(found, r);
  const help = needsHelp(r, found);
  const sig = JSON.stringify([key, seen, help, r.voted, currentLang()]);
  if (sig === tile.last) return;
  tile.last = sig;
  const label = t(`tables.${key}`);
  tile.el.className = `table-tile is-${key}${help ? " needs-help" : ""}`;
  tile.el.dataset.connected = String(r.connected);
  tile.el.dataset.phones = String(Boolean(r.phones));
  tile.el.dataset.help = String(help);
  const at = r.last_seen === null || r.last_seen === undefined ? "" : ` (${fmtTime(r.last_seen)})`;
  tile.el.title = `${t("tables.table_n", { n: r.table })} · ${label} · ${seen}${at}`;
  tile.state.textContent = label;
  tile.seen.textContent = seen;
  for (const x of tile.questions) {
    const n = r.voted[x.q] || 0;
    x.el.classList.toggle("is-done", n >= found.seats);
    x.el.classList.toggle("is-partial", n > 0 && n < found.seats);
    x.el.dataset.voted = String(n);
    x.n.textContent = `${fmtNumber(n)}/${fmtNumber(found.seats)}`;
    x.fill.style.width = `${Math.min(1, n / found.seats) * 100}%`;
  }
}

/** @param {TablesState} state @param {TablesAnswer} found  the last reading */
function applyFilter(state, found) {
  const rows = found.tables || [];
  const help = rows.filter((r) => needsHelp(r, found)).length;
  $("#tables-filter-all").textContent = t("tables.filter_all_n", { n: rows.length });
  $("#tables-filter-help").textContent = t("tables.filter_help_n", { n: help });
  const only = state.filter === "help";
  for (const tile of state.tiles.values()) tile.el.hidden = only && tile.el.dataset.help !== "true";
  for (const section of $$("#table-grid .tables-site")) {
    const tiles = $$(".table-tile", section);
    const shown = tiles.filter((el) => !el.hidden).length;
    section.hidden = shown === 0;
    const n = $(".group-n", section);
    if (n) n.textContent = t("tables.connected_of", { n: tiles.filter((el) => el.dataset.connected === "true").length, total: tiles.length });
  }
  $("#tables-all-well").classList.toggle("hidden", !(only && help === 0));
  $("#table-grid").dataset.filter = state.filter;
}
