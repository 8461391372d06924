// @ts-check
// The theme team's list of ideas: which rows it shows (the filters, and rows that left
// them staying put while someone is at the list), its head, and the selection.

import { $, $$, h } from "./dom.js";
import { t, pick } from "./i18n.js";
import { ideaKey, groupKey } from "./board.js";
import { progressText } from "./themerows.js";
import { app, HOLD_MS } from "./themestate.js";

/** Draw again the rows that show any of these ideas. @param {Iterable<string>} ids */
export function refreshIdeas(ids) {
  const keys = [];
  for (const id of ids) {
    keys.push(ideaKey(id));
    const g = app.board.groupOf.get(id);
    if (g) keys.push(groupKey(g));
  }
  if (keys.length) app.list?.refresh(keys);
  app.panel?.update();
}

export function scheduleSync() {
  if (app.syncFrame) return;
  app.syncFrame = requestAnimationFrame(() => {
    app.syncFrame = 0;
    sync();
  });
}

/** Someone is at the list: the pointer is over it, or a key was pressed a moment ago. */
function held() {
  return app.hover || Date.now() - app.lastKey < HOLD_MS;
}

/** The rows again: rows on screen that left the filter (filed, by anyone) stay where they
 * are while someone is at the list, and go once nobody is. */
function sync() {
  const { list } = app;
  const desired = app.board.rows(app.filter);
  const wanted = new Set(desired);
  const stay = new Set();
  if (held()) for (const key of list.visibleKeys()) if (!wanted.has(key)) stay.add(key);
  app.ghosts = stay;
  list.setKeys(withGhosts(desired, list.keys, stay), app.hover ? [] : [app.cursor]);
  if (app.cursor && !list.has(app.cursor)) app.cursor = null;
  for (const key of app.selected) if (!wanted.has(key) && !stay.has(key)) app.selected.delete(key);
  list.refresh();
  drawHead();
  drawFilters();
  drawSelection();
  if (app.panel.tab === "groupings") app.groupings.update();
}

/**
 * `desired` with the staying rows put back after the row that was before them.
 * @param {string[]} desired
 * @param {string[]} old  the keys on the list now
 * @param {Set<string>} stay
 */
function withGhosts(desired, old, stay) {
  if (!stay.size) return desired;
  const wanted = new Set(desired);
  const head = [];
  /** @type {Map<string, string[]>} */
  const after = new Map();
  /** @type {string | null} */
  let prev = null;
  for (const key of old) {
    if (wanted.has(key)) prev = key;
    else if (stay.has(key)) {
      if (prev === null) head.push(key);
      else after.set(prev, [...(after.get(prev) || []), key]);
    }
  }
  const out = head;
  for (const key of desired) {
    out.push(key);
    out.push(...(after.get(key) || []));
  }
  return out;
}

/** @param {Partial<typeof app.filter>} change */
export function setFilter(change) {
  Object.assign(app.filter, change);
  app.ghosts.clear();
  const keys = app.board.rows(app.filter);
  app.list.setKeys(keys, [app.cursor]);
  if (!app.cursor || !app.list.has(app.cursor)) {
    app.cursor = null;
    app.list.scroller.scrollTop = 0;
  }
  app.list.refresh();
  drawHead();
  drawFilters();
  drawSelection();
  app.groupings.update();
}

export function drawHead() {
  const { board } = app;
  if (!app.meeting) return;
  $("#progress").textContent = progressText(board);
  const total = board.order.length;
  $("#progress-fill").style.width = `${total ? (100 * (total - board.unfiledCount())) / total : 0}%`;
  $("#shown").textContent = t("theme.shown", { n: app.list.size });
  const engine = $("#engine");
  engine.dataset.engine = app.engine;
  engine.textContent =
    app.engine === "ready"
      ? board.encoded != null && board.total != null && board.encoded < board.total
        ? t("theme.engine_reading", { n: board.encoded, total: board.total })
        : t("theme.engine_ready")
      : app.engine === "busy"
        ? t("theme.engine_busy")
        : app.engine === "off"
          ? t("theme.engine_off")
          : "";
}

/** The filters' options (rounds, halls, tables seen so far), drawn when they change. */
export function drawFilters() {
  for (const b of $$("#status-filter [data-filter]")) {
    const on = b.dataset.filter === app.filter.status;
    b.classList.toggle("btn-on", on);
    b.classList.toggle("btn-ghost", !on);
    b.setAttribute("aria-pressed", String(on));
  }
  const rounds = app.board.rounds();
  const sites = app.meeting?.sites || [];
  const tables = app.board.tables();
  const choices = JSON.stringify([rounds, sites.map((s) => s.id), tables]);
  if (choices === app.choices) return;
  app.choices = choices;
  fill($("#round-select"), "theme.all_rounds", rounds.map((r) => /** @type {[string, string]} */ ([r, t("ideas.round_n", { n: r.replace(/^r/, "") })])), app.filter.round, rounds.length < 2);
  fill($("#site-select"), "theme.all_sites", sites.map((s) => /** @type {[string, string]} */ ([s.id, pick(s.name)])), app.filter.site, sites.length < 2);
  fill($("#table-select"), "theme.all_tables", tables.map((n) => /** @type {[string, string]} */ ([String(n), t("theme.table_n", { n })])), app.filter.table, tables.length < 2);
}

/**
 * @param {HTMLElement} select
 * @param {string} allKey  the string key of the "all" choice
 * @param {[string, string][]} options  [value, label]
 * @param {string} value
 * @param {boolean} hide  when nothing is chosen
 */
function fill(select, allKey, options, value, hide) {
  select.replaceChildren(h("option", { value: "" }, t(allKey)), ...options.map(([v, label]) => h("option", { value: v }, label)));
  /** @type {HTMLSelectElement} */ (select).value = value;
  select.classList.toggle("hidden", hide && !value);
}

export function drawSelection() {
  const ids = selectedIdeas();
  $("#selected-count").textContent = ids.length ? t("theme.selected", { n: ids.length }) : t("theme.none_selected");
  $("#file-bar").classList.toggle("is-active", ids.length > 0);
  const into = /** @type {HTMLSelectElement} */ ($("#into-theme"));
  const themes = app.board.themes;
  const options = JSON.stringify([themes.map((x) => [x.id, pick(x.label)])]);
  if (into.dataset.options !== options) {
    const value = into.value;
    into.replaceChildren(...themes.map((x) => h("option", { value: x.id }, pick(x.label))));
    if (themes.some((x) => x.id === value)) into.value = value;
    into.dataset.options = options;
  }
  const none = !ids.length || !themes.length;
  into.disabled = !themes.length;
  /** @type {HTMLButtonElement} */ ($("#file-into")).disabled = none;
  $("#clear-selection").classList.toggle("hidden", !ids.length);
}

export function selectedIdeas() {
  return [...new Set([...app.selected].flatMap((key) => app.board.toFile(key)))];
}

export function clearSelection() {
  const keys = [...app.selected];
  app.selected.clear();
  app.list.refresh(keys);
  drawSelection();
}

/** @param {string} key  a row */
export function toggleSelect(key) {
  if (app.selected.has(key)) app.selected.delete(key);
  else app.selected.add(key);
  app.list.refresh([key]);
  drawSelection();
  app.panel.update();
}

/** @param {string} key  a row @param {boolean} [reveal]  scroll it on screen */
export function setCursor(key, reveal = false) {
  const old = app.cursor;
  app.cursor = key;
  app.list.refresh([old, key].filter(Boolean));
  if (reveal && key) app.list.reveal(key);
}
