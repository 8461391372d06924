// @ts-check
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
//
// This page wires the screen's state (themestate.js) to the socket and the keys; the list
// and the selection are themelist.js, filing is themeactions.js, and the rows, the virtual
// list, notices, groupings and the theme panel are modules of their own (themerows, vlist,
// notices, groupings, themepanel).

import { Connection } from "./connection.js";
import { $, h } from "./dom.js";
import { t, pick, errorText, applyI18n } from "./i18n.js";
import { obtainSession, forgetSession } from "./session.js";
import { startPage, statusBar, need } from "./ui.js";
import { Filing } from "./filing.js";
import { VirtualList } from "./vlist.js";
import { Notices } from "./notices.js";
import { rowStamp, drawRow } from "./themerows.js";
import { ThemePanel } from "./themepanel.js";
import { Groupings } from "./groupings.js";
import { app, call, HOLD_MS } from "./themestate.js";
import { refreshIdeas, scheduleSync, setFilter, drawHead, drawFilters, drawSelection, clearSelection, toggleSelect, setCursor } from "./themelist.js";
import { notify, fileKeys, conflictNotice, unfile, undo, makeTheme } from "./themeactions.js";
/** @import { Welcome, ServerEvent } from "./types.js" */
/** @import { BoardAnswer } from "./board.js" */

const ROW_HEIGHT = 76;
const BOARD_AFTER_THEMES_MS = 1000;
const BOARD_AFTER_IDEAS_MS = 10000;
const BOARD_RETRY_MS = 5000;

async function main() {
  await startPage();
  app.session = await obtainSession("theme", need("#main"), { titleKey: "theme.title" });
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

function skeleton() {
  const search = h("input", { id: "search", class: "input search", type: "search", autocomplete: "off", "data-i18n-attr": "placeholder:theme.search;aria-label:theme.search" });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typing;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => setFilter({ search: search.value }), 150);
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

  const main = need("#main");
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
  app.panel = new ThemePanel(need("#side"), ctx);
  app.groupings = new Groupings(app.panel.groupingsBox, ctx);
  applyI18n(main);
  drawFilters();
  drawSelection();
}

/** @param {Welcome} welcome */
function onWelcome(welcome) {
  const state = welcome.state;
  const meeting = state.meeting;
  app.meeting = meeting;
  app.board.addIdeas(state.ideas || []);
  refreshIdeas(app.board.setThemes(state.themes || []));
  need("#where").textContent = `${t("theme.title")} · ${pick(meeting.title)}`;
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

/** @param {ServerEvent} message */
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

/** Read the board within `wait` ms (sooner if already due sooner); one reading at a time. @param {number} wait */
function scheduleBoard(wait) {
  const due = Date.now() + wait;
  if (app.boardTimer && app.boardDue <= due) return;
  clearTimeout(app.boardTimer);
  app.boardDue = due;
  app.boardTimer = setTimeout(fetchBoard, wait);
}

async function fetchBoard() {
  app.boardTimer = undefined;
  if (app.boardBusy) return scheduleBoard(BOARD_AFTER_THEMES_MS);
  app.boardBusy = true;
  try {
    /** @type {BoardAnswer} */
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

/** @param {MouseEvent} event */
function onListClick(event) {
  if (!(event.target instanceof Element)) return;
  const row = /** @type {HTMLElement | null} */ (event.target.closest(".idea-row"));
  if (!row || !row.dataset.key) return;
  const key = row.dataset.key;
  const act = /** @type {HTMLElement | null} */ (event.target.closest("[data-act]"));
  setCursor(key);
  if (!act) return;
  const theme = act.dataset.theme;
  if (act.dataset.act === "pick") toggleSelect(key);
  else if (act.dataset.act === "file") fileKeys([key], theme);
  else if (act.dataset.act === "unfile" && theme) unfile(theme, app.board.ideasOf(key).filter((id) => app.board.filedIn.get(id) === theme));
}

/** The cursor `step` rows down (up when negative), over the rows that are only staying. @param {number} step */
function move(step) {
  const { list } = app;
  if (!list.size) return;
  const [top, bottom] = list.visibleRange();
  const at = app.cursor ? list.index.get(app.cursor) : undefined;
  let i = at !== undefined ? at + step : step > 0 ? top : bottom;
  while (i >= 0 && i < list.size && app.ghosts.has(list.keys[i])) i += step;
  if (i < 0 || i >= list.size) return;
  setCursor(list.keys[i], true);
}

/** @param {number} rank  1 to 3 */
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

/** @param {KeyboardEvent} event */
function onKey(event) {
  const target = event.target instanceof Element ? event.target : null;
  const typing = target?.closest("input, textarea, select, [contenteditable]");
  if (typing) {
    if (event.key === "Escape" && target instanceof HTMLElement) target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const onButton = target?.closest("button, a, summary");
  /** @type {Record<string, (() => unknown) | null>} */
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
