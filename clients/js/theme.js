// Size: the rows, the list, filing, notices, groupings and the theme panel are already
// modules of their own (themerows, vlist, filing, notices, groupings, themepanel); what is
// left here is the wiring of the screen's state to the socket and the keys.
// The theme team's workbench, for a hall's worth of ideas (1,000–3,000 a round) and 5–10
// people filing at once:
//
// - every idea as it arrives, with the themes the engine suggests for it (the `suggestions`
//   event, and the whole board from GET …/themes/suggestions after a reload or when the
//   themes change); one tap or key files it, nothing is filed without a person;
// - the same point from many tables shown once ("7 tables said this"), filed together;
// - suggested groupings of the unfiled ideas (groupings.js), and the themes (themepanel.js);
// - a list that draws only the rows on screen (vlist.js), where nothing moves under the
//   pointer and nothing takes the focus when ideas arrive or others file;
// - filing by adding and removing (filing.js), so two people never overwrite each other;
//   an idea someone else filed first is a notice with a button to move it.
//
// Without the engine (404/503) the list works the same, without suggestions.

import { api } from "./api.js";
import { Connection } from "./connection.js";
import { $, h } from "./dom.js";
import { t, pick, errorText, applyI18n } from "./i18n.js";
import { obtainSession, forgetSession } from "./session.js";
import { startPage, statusBar } from "./ui.js";
import { Board, ideaKey, groupKey } from "./board.js";
import { Filing, Conflict } from "./filing.js";
import { VirtualList } from "./vlist.js";
import { Notices } from "./notices.js";
import { rowStamp, drawRow, progressText } from "./themerows.js";
import { ThemePanel } from "./themepanel.js";
import { Groupings } from "./groupings.js";
import { cutWords } from "./words.js";

const ROW_HEIGHT = 76;
const HOLD_MS = 2500; // after a key press, rows on screen stay put this long
const BOARD_AFTER_THEMES_MS = 1000;
const BOARD_AFTER_IDEAS_MS = 10000;
const BOARD_RETRY_MS = 5000;

const app = {
  session: null,
  conn: null,
  meeting: null,
  board: new Board(),
  filing: null,
  list: null,
  notices: null,
  panel: null,
  groupings: null,
  filter: { status: "unfiled", round: "", site: "", table: "", search: "", group: true },
  selected: new Set(), // row keys
  cursor: null, // row key
  ghosts: new Set(), // rows that left the filter but stay on screen while held
  pending: new Set(), // idea ids being filed
  hover: false,
  lastKey: 0,
  engine: "unknown", // "ready" | "busy" | "off" | "unknown"
  undo: [], // [{theme, ids}] what this person filed, last last
  boardTimer: null,
  boardDue: 0,
  boardBusy: false,
  syncFrame: 0,
  choices: "", // the filters' options as last drawn
};

async function main() {
  await startPage();
  app.session = await obtainSession("theme", $("#main"), { titleKey: "theme.title" });
  app.filing = new Filing({ meeting: app.session.meeting, token: app.session.token, board: app.board });
  skeleton();
  app.conn = new Connection({
    token: app.session.token,
    onWelcome,
    onEvent,
    onError: (e) => notify(errorText(e.code, e.message), "error"),
    onFatal: () => {
      forgetSession("theme");
      location.reload();
    },
  });
  statusBar({ connection: app.conn });
  window.addEventListener("langchange", () => {
    app.choices = "";
    drawHead();
    drawFilters();
    drawSelection();
    app.list.refresh();
    app.panel.update();
    app.groupings.update();
  });
  document.addEventListener("keydown", onKey);
  app.conn.start();
}

export function call(method, path, body) {
  return api(method, `/api/meetings/${app.session.meeting}${path}`, { token: app.session.token, body });
}

// --- the page, built once (inputs are never drawn again: what is typed stays) -------------

function skeleton() {
  const search = h("input", { id: "search", class: "input search", type: "search", autocomplete: "off", "data-i18n-attr": "placeholder:theme.search;aria-label:theme.search" });
  search.addEventListener("input", () => {
    clearTimeout(search.timer);
    search.timer = setTimeout(() => setFilter({ search: search.value }), 150);
  });
  const status = h("div", { class: "seg", role: "group", id: "status-filter" },
    ["unfiled", "all"].map((name) => {
      const b = h("button", { type: "button", class: "btn btn-small", "data-filter": name, "data-i18n": `theme.filter_${name}` });
      b.addEventListener("click", () => setFilter({ status: name }));
      return b;
    }));
  const selects = ["round", "site", "table"].map((name) => {
    const s = h("select", { id: `${name}-select`, class: "input input-short", "data-i18n-attr": `aria-label:theme.${name}` });
    s.addEventListener("change", () => setFilter({ [name]: s.value }));
    return s;
  });
  const group = h("input", { type: "checkbox", id: "group-dups", checked: true });
  group.addEventListener("change", () => setFilter({ group: group.checked }));
  const scroller = h("div", { id: "ideas", class: "idea-list", role: "list", tabindex: "-1", "data-i18n-attr": "aria-label:theme.stream" });
  const notices = h("div", { id: "notices" });
  const name = h("input", { id: "new-theme", class: "input", maxlength: "200", autocomplete: "off", "data-i18n-attr": "placeholder:theme.new_label;aria-label:theme.new_label" });
  const make = h("form", { class: "inline-form new-theme-form", id: "new-theme-form" }, name,
    h("button", { type: "submit", class: "btn btn-primary", id: "make-theme", "data-i18n": "theme.make" }));
  make.addEventListener("submit", (e) => {
    e.preventDefault();
    makeTheme(name);
  });
  const into = h("select", { id: "into-theme", class: "input", "data-i18n-attr": "aria-label:theme.into" });
  const fileInto = h("button", { type: "button", class: "btn btn-secondary", id: "file-into", "data-i18n": "theme.file_into" });
  fileInto.addEventListener("click", () => into.value && fileKeys([...app.selected], into.value, { clear: true }));
  const clearSel = h("button", { type: "button", class: "btn btn-ghost btn-small", id: "clear-selection", "data-i18n": "theme.clear_selection" });
  clearSel.addEventListener("click", clearSelection);

  const main = $("#main");
  main.replaceChildren(
    h("section", { class: "card stream", "aria-labelledby": "stream-title" },
      h("div", { class: "stream-head" },
        h("h2", { id: "stream-title", "data-i18n": "theme.stream" }),
        h("p", { class: "progress", id: "progress" }),
        h("div", { class: "meter progress-meter", "aria-hidden": "true" }, h("div", { class: "meter-fill", id: "progress-fill" })),
        h("p", { class: "engine", id: "engine" })),
      h("div", { class: "toolbar", id: "toolbar" }, search, status, ...selects,
        h("label", { class: "check check-small", for: "group-dups" }, group, h("span", { "data-i18n": "theme.group_dups" }))),
      h("p", { class: "shown", id: "shown" }),
      scroller,
      notices,
      h("div", { class: "file-bar", id: "file-bar" },
        h("p", { class: "counter", id: "selected-count" }),
        make,
        h("div", { class: "inline-form into-form" }, into, fileInto, clearSel)),
      h("p", { class: "keys-help", id: "keys-help", "data-i18n": "theme.keys_help" })),
    h("section", { class: "card side", id: "side" }),
  );
  app.notices = new Notices(notices);
  app.list = new VirtualList(scroller, { rowHeight: ROW_HEIGHT, stamp: (key) => rowStamp(app, key), draw: (el, key) => drawRow(app, el, key), rowClass: "vrow idea-row" });
  scroller.addEventListener("click", onListClick);
  scroller.addEventListener("pointerenter", () => (app.hover = true));
  scroller.addEventListener("pointerleave", () => {
    app.hover = false;
    setTimeout(scheduleSync, 1200); // rows that left stay a moment after the pointer goes
  });
  const ctx = { app, call, notify, fileKeys, conflictNotice, scheduleSync, refreshIdeas, clearSelection };
  app.panel = new ThemePanel($("#side"), ctx);
  app.groupings = new Groupings(app.panel.groupingsBox, ctx);
  applyI18n(main);
  drawFilters();
  drawSelection();
}

// --- the socket ----------------------------------------------------------------------------

function onWelcome(welcome) {
  const state = welcome.state;
  app.meeting = state.meeting;
  app.board.addIdeas(state.ideas || []);
  refreshIdeas(app.board.setThemes(state.themes || []));
  $("#where").textContent = `${t("theme.title")} · ${pick(app.meeting.title)}`;
  document.title = `${t("app.name")} · ${t("theme.title")}`;
  scheduleSync();
  app.panel.update();
  loadAllIdeas();
  scheduleBoard(0);
}

/** The welcome holds the last 2,000 ideas: read them all. */
async function loadAllIdeas() {
  try {
    const { ideas } = await call("GET", "/ideas");
    if (app.board.addIdeas(ideas).length) {
      scheduleSync();
      app.panel.update();
    }
  } catch (err) {
    notify(errorText(err.code, err.detail), "error");
  }
}

function onEvent(message) {
  const { board } = app;
  if (message.event === "idea") {
    if (board.addIdeas([message.idea]).length) {
      scheduleSync();
      scheduleBoard(BOARD_AFTER_IDEAS_MS);
    }
  } else if (message.event === "themes_changed" || message.event === "themes") {
    const changed = message.event === "themes" ? board.setThemes(message.themes) : board.applyChanges(message.themes, message.deleted);
    refreshIdeas(changed);
    scheduleSync();
    app.panel.update();
    app.groupings.update();
    scheduleBoard(BOARD_AFTER_THEMES_MS);
  } else if (message.event === "suggestions") {
    app.engine = "ready";
    board.addSuggestions(message.ideas);
    refreshIdeas(Object.keys(message.ideas || {}));
    scheduleSync();
    drawHead();
  }
}

/** Draw again the rows that show any of these ideas. */
function refreshIdeas(ids) {
  const keys = [];
  for (const id of ids) {
    keys.push(ideaKey(id));
    const g = app.board.groupOf.get(id);
    if (g) keys.push(groupKey(g));
  }
  if (keys.length) app.list?.refresh(keys);
  app.panel?.update();
}

// --- the engine's board (suggestions for every idea, groups of the same point) -------------

/** Read the board within `wait` ms (sooner if already due sooner); one reading at a time. */
function scheduleBoard(wait) {
  const due = Date.now() + wait;
  if (app.boardTimer && app.boardDue <= due) return;
  clearTimeout(app.boardTimer);
  app.boardDue = due;
  app.boardTimer = setTimeout(fetchBoard, wait);
}

async function fetchBoard() {
  app.boardTimer = null;
  if (app.boardBusy) return scheduleBoard(BOARD_AFTER_THEMES_MS);
  app.boardBusy = true;
  try {
    const answer = await call("GET", "/themes/suggestions");
    app.board.setBoard(answer);
    app.engine = "ready";
    if (answer.encoded != null && answer.ideas_total != null && answer.encoded < answer.ideas_total) scheduleBoard(BOARD_AFTER_IDEAS_MS);
  } catch (err) {
    app.engine = err.status === 503 ? "busy" : "off";
    if (err.status === 503 || err.code === "network") scheduleBoard(BOARD_RETRY_MS);
  } finally {
    app.boardBusy = false;
  }
  drawHead();
  scheduleSync();
  app.list.refresh();
}

// --- the rows ------------------------------------------------------------------------------

function scheduleSync() {
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

/** `desired` with the staying rows put back after the row that was before them. */
function withGhosts(desired, old, stay) {
  if (!stay.size) return desired;
  const wanted = new Set(desired);
  const head = [];
  const after = new Map();
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
    if (after.has(key)) out.push(...after.get(key));
  }
  return out;
}

function setFilter(change) {
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

function drawHead() {
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
function drawFilters() {
  for (const b of document.querySelectorAll("#status-filter [data-filter]")) {
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
  fill($("#round-select"), "theme.all_rounds", rounds.map((r) => [r, t("ideas.round_n", { n: r.replace(/^r/, "") })]), app.filter.round, rounds.length < 2);
  fill($("#site-select"), "theme.all_sites", sites.map((s) => [s.id, pick(s.name)]), app.filter.site, sites.length < 2);
  fill($("#table-select"), "theme.all_tables", tables.map((n) => [String(n), t("theme.table_n", { n })]), app.filter.table, tables.length < 2);
}

function fill(select, allKey, options, value, hide) {
  select.replaceChildren(h("option", { value: "" }, t(allKey)), ...options.map(([v, label]) => h("option", { value: v }, label)));
  select.value = value;
  select.classList.toggle("hidden", hide && !value);
}

function drawSelection() {
  const ids = selectedIdeas();
  $("#selected-count").textContent = ids.length ? t("theme.selected", { n: ids.length }) : t("theme.none_selected");
  $("#file-bar").classList.toggle("is-active", ids.length > 0);
  const into = $("#into-theme");
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
  $("#file-into").disabled = none;
  $("#clear-selection").classList.toggle("hidden", !ids.length);
}

function selectedIdeas() {
  return [...new Set([...app.selected].flatMap((key) => app.board.toFile(key)))];
}

function clearSelection() {
  const keys = [...app.selected];
  app.selected.clear();
  app.list.refresh(keys);
  drawSelection();
}

function toggleSelect(key) {
  if (app.selected.has(key)) app.selected.delete(key);
  else app.selected.add(key);
  app.list.refresh([key]);
  drawSelection();
  app.panel.update();
}

function setCursor(key, reveal = false) {
  const old = app.cursor;
  app.cursor = key;
  app.list.refresh([old, key].filter(Boolean));
  if (reveal && key) app.list.reveal(key);
}

function onListClick(event) {
  const row = event.target.closest(".idea-row");
  if (!row || !row.dataset.key) return;
  const key = row.dataset.key;
  const act = event.target.closest("[data-act]");
  setCursor(key);
  if (!act) return;
  if (act.dataset.act === "pick") toggleSelect(key);
  else if (act.dataset.act === "file") fileKeys([key], act.dataset.theme);
  else if (act.dataset.act === "unfile") unfile(act.dataset.theme, app.board.ideasOf(key).filter((id) => app.board.filedIn.get(id) === act.dataset.theme));
}

// --- filing --------------------------------------------------------------------------------

function themeLabel(id) {
  const theme = app.board.themeById.get(id);
  return theme ? pick(theme.label) : id;
}

function notify(text, kind = "info", options = {}) {
  return app.notices.show(text, { kind, ...options });
}

/** Take a theme as an answer gave it, and draw what changed. */
function saved(theme) {
  refreshIdeas(app.board.putTheme(theme));
  scheduleSync();
}

function mark(ids, on) {
  for (const id of ids) on ? app.pending.add(id) : app.pending.delete(id);
  refreshIdeas(ids);
}

/** File what `keys` stand for under `themeId` (`move`: even from another theme). */
async function fileKeys(keys, themeId, { move = false, clear = false } = {}) {
  const ids = [...new Set(keys.flatMap((key) => app.board.toFile(key)))];
  if (!ids.length || !themeId) return;
  await fileIdeas(ids, themeId, { move });
  if (clear) clearSelection();
}

async function fileIdeas(ids, themeId, { move = false } = {}) {
  mark(ids, true);
  try {
    saved(await app.filing.add(themeId, ids, { move }));
    app.undo.push({ theme: themeId, ids });
    notify(t("theme.filed_under", { n: ids.length, label: themeLabel(themeId) }), "ok", { key: "filed" });
  } catch (err) {
    if (!(err instanceof Conflict)) {
      notify(errorText(err.code, err.detail), "error");
      return;
    }
    const free = ids.filter((id) => !err.filed[id]);
    conflictNotice(err.filed, themeId);
    if (free.length) {
      mark(ids, false);
      await fileIdeas(free, themeId);
    }
  } finally {
    mark(ids, false);
  }
}

/** "Already filed under X by someone else", with a button that moves them to `target`
 * (a theme id, or a function that does the move). */
function conflictNotice(filed, target, moveLabel = null) {
  const byTheme = new Map();
  for (const [id, theme] of Object.entries(filed)) byTheme.set(theme, [...(byTheme.get(theme) || []), id]);
  for (const [theme, ids] of byTheme) {
    if (theme === target) continue;
    const idea = app.board.ideas.get(ids[0]);
    const text = ids.length === 1
      ? t("theme.conflict_one", { text: cutWords(idea?.text || ids[0], 60), label: themeLabel(theme) })
      : t("theme.conflict_many", { n: ids.length, label: themeLabel(theme) });
    const run = typeof target === "function" ? () => target(ids) : () => fileIdeas(ids, target, { move: true });
    notify(text, "conflict", {
      key: `conflict:${ids.join(",")}`,
      actions: [
        { name: "move", label: moveLabel || t("theme.move_here", { label: themeLabel(target) }), run, primary: true },
        { name: "keep", label: t("theme.leave_it"), run: () => {} },
      ],
    });
  }
}

async function unfile(themeId, ids) {
  if (!ids.length) return;
  mark(ids, true);
  try {
    saved(await app.filing.remove(themeId, ids));
  } catch (err) {
    notify(errorText(err.code, err.detail), "error");
  } finally {
    mark(ids, false);
  }
}

async function undo() {
  const last = app.undo.pop();
  if (!last) return;
  const still = last.ids.filter((id) => app.board.filedIn.get(id) === last.theme);
  await unfile(last.theme, still);
  notify(t("theme.undone", { n: still.length }), "ok", { key: "filed" });
}

/** A new theme named as typed, holding the selected ideas (none: an empty theme to file
 * into). The name is cleared only once the theme is made. */
async function makeTheme(input) {
  const label = input.value.trim();
  if (!label) {
    input.focus();
    return;
  }
  const ids = selectedIdeas();
  const create = async (list, move = false) => {
    mark(list, true);
    try {
      const theme = await app.filing.create(label, list, { move });
      saved(theme);
      return theme;
    } finally {
      mark(list, false);
    }
  };
  try {
    let theme;
    try {
      theme = await create(ids);
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      theme = await create(ids.filter((id) => !err.filed[id]));
      conflictNotice(err.filed, theme.id);
    }
    if (input.value.trim() === label) input.value = "";
    clearSelection();
    notify(t("theme.made_theme", { label, n: theme.ideas.length }), "ok", { key: "filed" });
  } catch (err) {
    notify(errorText(err.code, err.detail), "error");
  }
}

// --- keys ----------------------------------------------------------------------------------

function move(step) {
  const { list } = app;
  if (!list.size) return;
  const [top, bottom] = list.visibleRange();
  let i = app.cursor && list.has(app.cursor) ? list.index.get(app.cursor) + step : step > 0 ? top : bottom;
  while (i >= 0 && i < list.size && app.ghosts.has(list.keys[i])) i += step;
  if (i < 0 || i >= list.size) return;
  setCursor(list.keys[i], true);
}

function fileSuggested(rank) {
  const key = app.cursor;
  if (!key) return;
  const lead = app.board.lead(key);
  const s = lead && app.board.suggestionsFor(lead.id)[rank - 1];
  if (!s) {
    notify(t("theme.no_suggestion_n", { n: rank }), "info", { key: "filed" });
    return;
  }
  if (app.board.filedTheme(key)) return;
  fileKeys([key], s.theme);
  move(1);
}

function onKey(event) {
  const target = event.target;
  const typing = target.closest?.("input, textarea, select, [contenteditable]");
  if (typing) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const onButton = target.closest?.("button, a, summary");
  const actions = {
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    1: () => fileSuggested(1),
    2: () => fileSuggested(2),
    3: () => fileSuggested(3),
    Enter: onButton ? null : () => fileSuggested(1),
    x: () => app.cursor && toggleSelect(app.cursor),
    " ": onButton ? null : () => app.cursor && toggleSelect(app.cursor),
    "/": () => $("#search").focus(),
    n: () => $("#new-theme").focus(),
    u: () => undo(),
    Escape: () => clearSelection(),
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  app.lastKey = Date.now();
  setTimeout(scheduleSync, HOLD_MS + 100);
  action();
}

main();
