// Size: one view module per plenary view (question, compare, themes wall…) is the split; it
// waits for issue #16's one-shape step so the views read the server's declared types.
// The plenary display (1920×1080 and up, read from the back of the hall): whatever the
// organiser puts on it (question with live results, participation, ideas, themes,
// pre/post comparison, a text), a join QR, high contrast, no scrolling.
//
// A screen in one hall of a linked meeting (plenary.html#code=…&site=<site id>, or the
// hall picker in the top bar; remembered on the screen) shows "this hall" beside "all
// halls" for a revealed question and for the before/after comparison: the hall's figures
// come from the results API (a display may read site= results of what is on show once
// revealed), fetched again when a `results` event arrives, at most once a second.
//
// Results by group (`{"view": "breakdown", question, by}`) come from the results API too
// (a display may read by= results of the breakdown on show once revealed): no `results`
// event carries them, so they are fetched every two seconds while either question is open.

import { api, qrImage } from "./api.js";
import { Connection } from "./connection.js";
import { $, h, clear } from "./dom.js";
import { t, pick, fmtNumber, fmtDate, errorText } from "./i18n.js";
import { obtainSession, forgetSession } from "./session.js";
import { startPage, statusBar } from "./ui.js";
import { ResultsView, participationText, compareView } from "./results.js";
import { BreakdownMatrix, breakdownNote } from "./breakdown.js";
import { fitWords, fitText } from "./words.js";
import { lastKnown } from "./offline.js";

const IDEAS_ON_WALL = 12;
const SITE_KEY = "pk.plenary.site";
const SITE_EVERY_MS = 1000;
const THEMES_ON_WALL = 12;
const THEMES_AFTER_MS = 1000; // the wall reads the themes' tables and quotes again this long after a change
const BREAKDOWN_EVERY_MS = 2000;
const REMEMBER_EVERY_MS = 2000; // the last known state is written at most this often
const IDEAS_KEPT = 50;

const app = {
  session: null,
  conn: null,
  meeting: null,
  questions: new Map(), // every question (from GET meeting), state kept current by events
  view: { view: "participation" },
  results: {},
  ideas: [],
  themes: [],
  drawn: null, // what the stage shows, to update in place
  resultsView: null,
  site: localStorage.getItem(SITE_KEY) || "", // this screen's hall ("" = all halls only)
  siteView: null,
  siteResults: {}, // question -> this hall's Results
  siteTimer: null,
  siteLast: 0,
  breakdown: null, // the last by= answer for the view on show
  breakdownView: null,
  breakdownTimer: null,
  themeFacts: null, // theme id -> {tables, quotes} from GET …/themes?quotes=3
  themesTimer: null,
};

/** `#site=<id>` in the address: remembered for this screen (`#site=` for all halls). */
// `#…&preview=1`: the organiser console's live copy of what the hall sees (all halls); it
// leaves this browser's remembered hall alone.
const PREVIEW = new URLSearchParams(location.hash.replace(/^#/, "")).get("preview") === "1";

function siteFromFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (PREVIEW) {
    app.site = "";
    document.body.classList.add("pl-preview");
    return;
  }
  if (!params.has("site")) return;
  setSite(params.get("site") || "");
  if (!params.has("code")) history.replaceState(null, "", location.pathname + location.search);
}

function setSite(site) {
  app.site = site;
  app.siteResults = {};
  if (site) localStorage.setItem(SITE_KEY, site);
  else localStorage.removeItem(SITE_KEY);
}

function currentSite() {
  return (app.meeting?.sites || []).find((s) => s.id === app.site) || null;
}

async function main() {
  await startPage();
  siteFromFragment();
  app.session = await obtainSession("display", $("#main"), { titleKey: "plenary.title" });
  app.last = lastKnown("plenary", app.session.token);
  app.conn = new Connection({
    token: app.session.token,
    onWelcome,
    onEvent,
    onStatus: drawReconnecting,
    onError: () => {},
    onFatal: () => {
      forgetSession("display");
      location.reload();
    },
  });
  statusBar({ connection: app.conn });
  window.addEventListener("langchange", () => {
    app.drawn = null;
    drawSitePicker();
    render();
    drawReconnecting();
  });
  window.addEventListener("resize", () => {
    app.drawn = null;
    render();
  });
  restore();
  app.conn.start();
}

// --- the last known state: shown after a reload while the server is out of reach ----------

function restore() {
  const last = app.last.load();
  if (!last?.meeting) return;
  app.meeting = last.meeting;
  app.view = last.view || { view: "participation" };
  for (const q of last.questions || []) app.questions.set(q.id, q);
  app.results = last.results || {};
  app.ideas = last.ideas || [];
  app.themes = last.themes || [];
  drawSitePicker();
  render();
  drawReconnecting();
}

function remember() {
  if (app.rememberTimer) return;
  app.rememberTimer = setTimeout(() => {
    app.rememberTimer = null;
    const results = Object.fromEntries(Object.entries(app.results).filter(([q]) => shows(q)));
    app.last.save({
      meeting: app.meeting,
      view: app.view,
      questions: [...app.questions.values()],
      results,
      ideas: app.ideas.slice(-IDEAS_KEPT),
      themes: app.themes,
    });
  }, REMEMBER_EVERY_MS);
}

/** A clear mark over the stage whenever the screen is not live: what it shows may be old. */
function drawReconnecting() {
  const live = app.conn?.status === "online";
  let mark = $("#pl-reconnecting");
  if (live || !app.meeting) {
    mark?.remove();
    return;
  }
  if (!mark) {
    mark = h("div", { id: "pl-reconnecting", class: "pl-reconnecting", role: "status", "aria-live": "polite" });
    $("#stage").append(mark);
  }
  mark.textContent = t("plenary.reconnecting");
}

async function onWelcome(welcome) {
  const state = welcome.state;
  app.meeting = state.meeting;
  app.view = state.plenary || { view: "participation" };
  for (const q of state.questions) app.questions.set(q.id, q);
  for (const r of state.results || []) app.results[r.question] = r;
  app.ideas = dedupe(state.ideas || []);
  app.themes = state.themes || [];
  app.drawn = null;
  drawSitePicker();
  render();
  remember();
  if (app.view.view === "themes") scheduleThemes(0);
  try {
    const meeting = await api("GET", `/api/meetings/${app.meeting.id}`, { token: app.session.token });
    for (const q of meeting.questions) app.questions.set(q.id, { ...app.questions.get(q.id), ...q });
    app.drawn = null;
    render();
  } catch (err) {
    console.warn("meeting", errorText(err.code));
  }
}

function dedupe(ideas) {
  const seen = new Map();
  for (const idea of ideas) seen.set(idea.id, idea);
  return [...seen.values()];
}

function onEvent(message) {
  remember();
  switch (message.event) {
    case "plenary":
      app.view = message.view;
      app.drawn = null;
      if (app.view.view === "themes") scheduleThemes(0);
      render();
      break;
    case "results":
      app.results[message.results.question] = message.results;
      update();
      if (siteQuestions().includes(message.results.question)) scheduleSite();
      break;
    case "question_opened":
    case "question_closed":
      app.questions.set(message.question.id, message.question);
      if (shows(message.question.id) || app.view.view === "participation") {
        app.drawn = null;
        render();
      }
      break;
    case "idea":
      if (!app.ideas.some((i) => i.id === message.idea.id)) app.ideas.push(message.idea);
      if (app.view.view === "ideas") render();
      break;
    case "themes_changed": {
      const gone = new Set(message.deleted || []);
      const written = new Map((message.themes || []).map((x) => [x.id, x]));
      const kept = app.themes.filter((x) => !gone.has(x.id)).map((x) => written.get(x.id) || x);
      const known = new Set(kept.map((x) => x.id));
      app.themes = [...kept, ...(message.themes || []).filter((x) => !known.has(x.id) && !gone.has(x.id))];
      if (app.view.view === "themes") {
        render();
        scheduleThemes(THEMES_AFTER_MS);
      }
      break;
    }
    case "themes":
      app.themes = message.themes;
      if (app.view.view === "themes") {
        render();
        scheduleThemes(THEMES_AFTER_MS);
      }
      break;
    default:
      break;
  }
}

function shows(q) {
  return app.view.question === q || app.view.pre === q || app.view.post === q || app.view.by === q;
}

function viewKey() {
  return JSON.stringify(app.view);
}

function header() {
  if (!app.meeting) return;
  fitText($("#pl-title"), pick(app.meeting.title), 1);
  $("#pl-date").textContent = fmtDate(new Date());
  document.title = `${t("app.name")} · ${t("plenary.title")}`;
}

function render() {
  if (!app.meeting) return;
  header();
  const key = viewKey();
  if (app.drawn === key && app.view.view !== "ideas" && app.view.view !== "themes") return update();
  app.drawn = key;
  const main = clear($("#main"));
  main.dataset.view = app.view.view;
  const name = app.view.view;
  if (name === "question") drawQuestion(main);
  else if (name === "compare") drawCompare(main);
  else if (name === "breakdown") drawBreakdown(main);
  else if (name === "ideas") drawIdeas(main);
  else if (name === "themes") drawThemes(main);
  else if (name === "text") drawText(main);
  else drawParticipation(main);
  fitStage(main);
}

/** As many lines of an idea card as it holds beside its table number, five at most. */
function wallLines(el) {
  const card = el.parentElement;
  const meta = card.querySelector(".wall-meta");
  const box = getComputedStyle(card);
  const room = card.clientHeight - parseFloat(box.paddingTop) - parseFloat(box.paddingBottom) - (meta ? meta.offsetHeight + parseFloat(getComputedStyle(meta).marginTop) : 0);
  return Math.max(1, Math.min(5, Math.floor(room / parseFloat(getComputedStyle(el).lineHeight))));
}

/** Titles in their lines with the last words together, idea excerpts in five lines: cut
 * between words (Intl.Segmenter, Thai), never inside one. */
function fitStage(main) {
  for (const el of main.querySelectorAll(".pl-prompt")) fitText(el, el.dataset.text ?? el.textContent, main.dataset.view === "participation" ? 3 : 2);
  for (const el of main.querySelectorAll(".wall-text")) fitText(el, el.dataset.text ?? el.textContent, wallLines(el));
  for (const el of main.querySelectorAll(".open-list li")) fitText(el, el.dataset.text ?? el.textContent, 1);
  fitBars();
}

/** Bars as tall as the stylesheet says (--row-h), or less when a two-line title and eight
 * options would push the last bar under the footnote. */
function fitBars() {
  for (const mount of document.querySelectorAll("#pl-results, #pl-site-results")) {
    const bars = mount.querySelector(".bars");
    if (!bars) continue;
    bars.style.removeProperty("--row-h");
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    const css = getComputedStyle(bars).getPropertyValue("--row-h").trim();
    const most = css.endsWith("rem") ? parseFloat(css) * rem : parseFloat(css);
    const rows = Number(bars.style.getPropertyValue("--rows")) || 1;
    const room = mount.clientHeight - parseFloat(getComputedStyle(mount).paddingBottom);
    if (most && room > 0 && room < most * rows) bars.style.setProperty("--row-h", `${Math.max(3 * rem, room / rows)}px`);
  }
}

function update() {
  if (app.view.view === "question") {
    const q = app.questions.get(app.view.question);
    const r = app.results[app.view.question];
    if (!r) return;
    app.resultsView?.update(r, q);
    drawNumbers(r);
    drawSite();
    fitBars();
  } else if (app.view.view === "compare") {
    fillCompare();
  }
}

function joinPanel(big = false) {
  const url = `${location.origin}/app/keypad.html`;
  return h(
    "aside",
    { class: `join-panel ${big ? "join-big" : ""}` },
    qrImage(url, t("plenary.join_qr_alt")),
    h("p", { class: "join-caption" }, t("plenary.join_caption")),
    h("p", { class: "join-url" }, url.replace(/^https?:\/\//, "")),
  );
}

function drawQuestion(main) {
  const q = app.questions.get(app.view.question);
  const status = q?.state === "open" ? "plenary.status_open" : q?.state === "closed" ? "plenary.status_closed" : "plenary.status_draft";
  const results = h("div", { id: "pl-results", class: "pl-results" });
  const site = currentSite();
  const siteResults = site ? h("div", { id: "pl-site-results", class: "pl-results" }) : null;
  main.append(
    h("div", { class: "pl-question" },
      h("div", { class: "pl-q-head" },
        h("p", { class: `pl-status pl-status-${q?.state || "draft"}`, id: "pl-status" }, t(status)),
        h("h1", { class: "pl-prompt", id: "pl-prompt" }, q ? pick(q.prompt) : "")),
      site
        ? h("div", { class: "pl-split" },
            h("section", { class: "pl-half pl-half-site", "data-site": site.id },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-site-name" }, t("plenary.this_hall", { name: pick(site.name) })), h("span", { class: "pl-half-n", id: "pl-site-n" })),
              siteResults),
            h("section", { class: "pl-half pl-half-all" },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-all-name" }, t("plenary.all_halls")), h("span", { class: "pl-half-n", id: "pl-all-n" })),
              results))
        : results),
    h("div", { class: "pl-side" },
      h("div", { class: "numbers", id: "numbers" },
        h("p", { class: "number" }, h("span", { class: "number-big", id: "n-voters" }, "0"), h("span", { class: "number-label", id: "n-voters-label" })),
        h("p", { class: "number" }, h("span", { class: "number-big", id: "n-tables" }, "0"), h("span", { class: "number-label", id: "n-tables-label" }))),
      joinPanel()),
  );
  app.resultsView = new ResultsView(results, { max: 8, fitLabels: true });
  app.siteView = siteResults ? new ResultsView(siteResults, { max: 8, fitLabels: true }) : null;
  const r = app.results[app.view.question];
  if (r) {
    app.resultsView.update(r, q);
    drawNumbers(r);
  } else {
    results.append(h("p", { class: "hidden-note" }, t("results.waiting")));
  }
  drawSite();
  scheduleSite();
}

// --- this hall beside all halls -------------------------------------------------------------

/** The questions whose figures for this hall the view shows. */
function siteQuestions() {
  if (!currentSite()) return [];
  if (app.view.view === "question" && app.view.reveal !== false) return [app.view.question];
  if (app.view.view === "compare") return [...new Set([app.view.pre, app.view.post])];
  return [];
}

function siteWanted() {
  return siteQuestions().length > 0;
}

/** Fetch this hall's results soon: at most once a second, whatever the rate of events. */
function scheduleSite() {
  if (!siteWanted() || app.siteTimer) return;
  const wait = Math.max(0, app.siteLast + SITE_EVERY_MS - Date.now());
  app.siteTimer = setTimeout(async () => {
    app.siteLast = Date.now();
    try {
      await fetchSite();
    } finally {
      app.siteTimer = null;
    }
  }, wait);
}

async function fetchSite() {
  const questions = siteQuestions();
  const key = viewKey();
  const site = app.site;
  const read = (q) =>
    api("GET", `/api/meetings/${app.meeting.id}/questions/${encodeURIComponent(q)}/results`, { token: app.session.token, query: { site } }).catch((err) => {
      console.warn("site results", errorText(err.code)); // e.g. hidden again meanwhile
      return null;
    });
  const found = await Promise.all(questions.map(read));
  if (key !== viewKey() || site !== app.site) return;
  questions.forEach((q, i) => {
    if (found[i]) app.siteResults[q] = found[i];
  });
  if (app.view.view === "compare") fillCompare();
  else drawSite();
}

function drawSite() {
  const all = app.results[app.view.question];
  const allN = $("#pl-all-n");
  if (allN && all) allN.textContent = t("results.n_voters", { n: all.voters ?? 0 });
  if (!app.siteView) return;
  const q = app.questions.get(app.view.question);
  const hidden = app.view.reveal === false || all?.hidden;
  const r = app.siteResults[app.view.question];
  if (hidden) {
    app.siteView.update({ hidden: true });
    $("#pl-site-n").textContent = "";
  } else if (r && r.question === app.view.question) {
    app.siteView.update(r, q);
    $("#pl-site-n").textContent = t("results.n_voters", { n: r.voters ?? 0 });
  }
}

function drawSitePicker() {
  const sites = app.meeting?.sites || [];
  let picker = $("#pl-site");
  if (!sites.length) {
    picker?.remove();
    return;
  }
  if (!picker) {
    picker = h("select", { id: "pl-site", class: "pl-site-pick" });
    picker.addEventListener("change", () => {
      setSite(picker.value);
      app.drawn = null;
      render();
    });
    $("#pl-date").after(picker);
    // the picker is for whoever sets the screen up: it shows while the mouse moves
    let idle = null;
    const wake = () => {
      document.body.classList.add("pl-controls");
      clearTimeout(idle);
      idle = setTimeout(() => document.body.classList.remove("pl-controls"), 4000);
    };
    for (const name of ["pointermove", "pointerdown", "keydown"]) window.addEventListener(name, wake, { passive: true });
    wake();
  }
  picker.setAttribute("aria-label", t("plenary.site_pick"));
  clear(picker).append(
    h("option", { value: "" }, t("plenary.all_sites")),
    ...sites.map((s) => h("option", { value: s.id }, pick(s.name))),
  );
  picker.value = currentSite() ? app.site : "";
}

function drawNumbers(r) {
  const voters = $("#n-voters");
  if (!voters) return;
  voters.textContent = fmtNumber(r.voters ?? 0);
  $("#n-voters-label").textContent = t("plenary.voters_of", { n: r.eligible ?? 0 });
  $("#n-tables").textContent = fmtNumber(r.tables_reporting ?? 0);
  $("#n-tables-label").textContent = t("plenary.tables_of", { n: r.tables_total ?? 0 });
  const status = $("#pl-status");
  if (status && r.status) {
    status.textContent = t(r.status === "open" ? "plenary.status_open" : r.status === "closed" ? "plenary.status_closed" : "plenary.status_draft");
    status.className = `pl-status pl-status-${r.status}`;
  }
  const words = participationText(r);
  voters.parentElement.setAttribute("aria-label", words.voters);
  $("#n-tables").parentElement.setAttribute("aria-label", words.tables);
}

function drawCompare(main) {
  const postQ = app.questions.get(app.view.post);
  const site = currentSite();
  const all = h("div", { class: "pl-results", id: "pl-results" });
  main.append(
    h("div", { class: "pl-question pl-wide" },
      h("div", { class: "pl-q-head" },
        h("p", { class: "pl-status" }, t("plenary.compare")),
        h("h1", { class: "pl-prompt" }, postQ ? pick(postQ.prompt) : "")),
      site
        ? h("div", { class: "pl-split pl-split-compare" },
            h("section", { class: "pl-half pl-half-site", "data-site": site.id },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-site-name" }, t("plenary.this_hall", { name: pick(site.name) }))),
              h("div", { class: "pl-results", id: "pl-site-results" })),
            h("section", { class: "pl-half pl-half-all" },
              h("h2", { class: "pl-half-head" }, h("span", { id: "pl-all-name" }, t("plenary.all_halls"))),
              all))
        : all),
  );
  fillCompare();
  scheduleSite();
}

/** (Re)draw both sides of the comparison: all halls, and this hall where there is one. */
function fillCompare() {
  const { pre, post } = app.view;
  const preQ = app.questions.get(pre);
  const postQ = app.questions.get(post);
  const all = $("#pl-results");
  if (all) clear(all).append(compareView(app.results[pre], app.results[post], preQ, postQ));
  const mine = $("#pl-site-results");
  if (mine) clear(mine).append(compareView(app.siteResults[pre], app.siteResults[post], preQ, postQ));
}

// --- results by group ------------------------------------------------------------------------

function drawBreakdown(main) {
  const q = app.questions.get(app.view.question);
  const by = app.questions.get(app.view.by);
  const matrix = h("div", { class: "pl-breakdown", id: "pl-breakdown", "data-question": app.view.question, "data-by": app.view.by });
  main.append(
    h("div", { class: "pl-question pl-wide" },
      h("div", { class: "pl-q-head" },
        h("p", { class: "pl-status", id: "pl-status" }, t("plenary.breakdown")),
        h("h1", { class: "pl-prompt", id: "pl-prompt" }, q ? pick(q.prompt) : ""),
        h("p", { class: "pl-by", id: "pl-by" }, h("span", {}, t("plenary.by", { name: by ? pick(by.prompt) : app.view.by })), h("span", { class: "pl-by-n", id: "pl-by-n" }))),
      matrix,
      h("p", { class: "pl-note", id: "pl-breakdown-note" })),
  );
  app.breakdownView = new BreakdownMatrix(matrix);
  const found = app.breakdown;
  if (app.view.reveal === false) {
    matrix.append(h("div", { class: "results-hidden" }, h("p", { class: "hidden-note" }, t("results.hidden"))));
  } else if (found && found.question === app.view.question && found.by === app.view.by) {
    drawBreakdownData();
  } else {
    app.breakdown = null;
    matrix.append(h("p", { class: "hidden-note" }, t("results.waiting")));
  }
  scheduleBreakdown(0);
}

function drawBreakdownData() {
  const found = app.breakdown;
  if (!found || !app.breakdownView || !$("#pl-breakdown")) return;
  const q = app.questions.get(app.view.question);
  app.breakdownView.update(found, q);
  const all = found.all || {};
  $("#pl-by-n").textContent = ` · ${participationText(all).voters}`;
  $("#pl-breakdown-note").textContent = breakdownNote(found);
  const status = $("#pl-status");
  if (all.status) {
    status.textContent = `${t("plenary.breakdown")} · ${t(all.status === "open" ? "plenary.status_open" : all.status === "closed" ? "plenary.status_closed" : "plenary.status_draft")}`;
    status.className = `pl-status pl-status-${all.status}`;
  }
}

function scheduleBreakdown(wait) {
  clearTimeout(app.breakdownTimer);
  app.breakdownTimer = null;
  if (app.view.view !== "breakdown" || app.view.reveal === false) return;
  app.breakdownTimer = setTimeout(fetchBreakdown, wait);
}

async function fetchBreakdown() {
  const key = viewKey();
  const { question, by } = app.view;
  try {
    const found = await api("GET", `/api/meetings/${app.meeting.id}/questions/${encodeURIComponent(question)}/results`, { token: app.session.token, query: { by } });
    if (key !== viewKey()) return;
    app.breakdown = found;
    drawBreakdownData();
  } catch (err) {
    console.warn("results by group", errorText(err.code)); // e.g. hidden again meanwhile
  }
  const moving = [question, by].some((id) => app.questions.get(id)?.state === "open");
  if (key === viewKey() && moving) scheduleBreakdown(BREAKDOWN_EVERY_MS);
}

function drawIdeas(main) {
  const recent = app.ideas.slice(-IDEAS_ON_WALL).reverse();
  main.append(
    h("div", { class: "pl-wall" },
      h("div", { class: "pl-q-head" },
        h("p", { class: "pl-status" }, t("plenary.ideas_count", { n: app.ideas.length })),
        h("h1", { class: "pl-prompt" }, t("plenary.ideas_title"))),
      recent.length
        ? h("ul", { class: "idea-wall", id: "idea-wall" },
            recent.map((idea) => h("li", { class: "wall-card", "data-idea": idea.id }, h("p", { class: "wall-text" }, idea.text), h("p", { class: "wall-meta" }, t("plenary.table_n", { n: idea.table })))))
        : h("p", { class: "hidden-note" }, t("plenary.no_ideas"))),
  );
}

// --- the themes wall ---------------------------------------------------------------------------

/** Read the themes with how many tables raised each and three quotes, within `wait` ms. */
function scheduleThemes(wait) {
  if (app.themesTimer) return;
  app.themesTimer = setTimeout(async () => {
    try {
      const { themes } = await api("GET", `/api/meetings/${app.meeting.id}/themes`, { token: app.session.token, query: { quotes: 3 } });
      app.themeFacts = new Map(themes.filter((x) => Array.isArray(x.quotes)).map((x) => [x.id, { tables: x.tables, quotes: x.quotes.map((q) => q.text) }]));
    } catch (err) {
      console.warn("themes", errorText(err.code)); // the ideas this screen knows stand in
      app.themeFacts ||= new Map();
    } finally {
      app.themesTimer = null;
    }
    if (app.view.view === "themes") render();
  }, wait);
}

/** How many tables raised a theme and a few of its ideas: from the server's reading, else
 * from the ideas this screen has seen. */
function themeFacts(theme, ideas) {
  const read = app.themeFacts?.get(theme.id);
  if (read) return read;
  const known = theme.ideas.map((id) => ideas.get(id)).filter(Boolean);
  return { tables: new Set(known.map((i) => i.table)).size, quotes: known.slice(0, 3).map((i) => i.text) };
}

/** Columns and rows for n cards: as large as the screen allows. */
function wallShape(n) {
  if (n <= 2) return [n, 1];
  if (n <= 4) return [2, 2];
  if (n <= 6) return [3, 2];
  if (n <= 9) return [3, 3];
  return [4, 3];
}

function drawThemes(main) {
  if (!app.themeFacts && !app.themesTimer) scheduleThemes(0);
  const ideas = new Map(app.ideas.map((i) => [i.id, i]));
  const facts = new Map(app.themes.map((theme) => [theme.id, themeFacts(theme, ideas)]));
  const themes = [...app.themes]
    .sort((a, b) => facts.get(b.id).tables - facts.get(a.id).tables || b.ideas.length - a.ideas.length)
    .slice(0, THEMES_ON_WALL);
  const [cols, rows] = wallShape(themes.length);
  const source = app.themeFacts?.size ? "server" : "screen"; // where the tables and quotes come from
  const wall = h("ul", { class: `theme-wall theme-wall-${cols}`, id: "theme-wall", "data-source": source, style: { gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` } },
    themes.map((theme) => {
      const { tables, quotes } = facts.get(theme.id);
      return h("li", { class: "theme-card", "data-theme": theme.id, "data-tables": String(tables) },
        h("p", { class: "theme-label", "data-text": pick(theme.label) }, pick(theme.label)),
        h("p", { class: "theme-count" },
          h("span", { class: "theme-tables", title: t("plenary.raised_by") }, t("plenary.theme_tables", { n: tables })),
          h("span", { class: "theme-ideas-n" }, `· ${t("plenary.theme_ideas", { n: theme.ideas.length })}`)),
        h("ul", { class: "theme-quotes" }, quotes.map((text) => h("li", { class: "theme-quote", "data-text": text }, text))));
    }));
  main.append(
    h("div", { class: "pl-wall" },
      h("div", { class: "pl-q-head" },
        h("p", { class: "pl-status" }, t("plenary.themes_count", { n: app.themes.length })),
        h("h1", { class: "pl-prompt" }, t("plenary.themes_title"))),
      themes.length ? wall : h("p", { class: "hidden-note" }, t("plenary.no_themes"))),
  );
  if (themes.length) document.fonts.ready.then(() => requestAnimationFrame(() => fitWall(wall)));
}

/** Names in two lines at most, and as many quotes as the card holds, each in two lines at
 * most: cut between words (never inside one), with an ellipsis. */
function fitWall(wall) {
  for (const card of wall.querySelectorAll(".theme-card")) {
    const label = card.querySelector(".theme-label");
    fitWords(label, label.dataset.text, 2);
    const box = card.querySelector(".theme-quotes");
    const bottom = box.getBoundingClientRect().bottom + 0.5;
    let full = false;
    for (const quote of box.querySelectorAll(".theme-quote")) {
      if (full) {
        quote.remove();
        continue;
      }
      fitWords(quote, quote.dataset.text, 2);
      if (quote.getBoundingClientRect().bottom > bottom) fitWords(quote, quote.dataset.text, 1);
      if (quote.getBoundingClientRect().bottom > bottom) {
        quote.remove();
        full = true;
      }
    }
  }
  wall.dataset.fitted = "true";
}

function drawText(main) {
  main.append(h("div", { class: "pl-text-view" }, h("p", { class: "pl-text", id: "pl-text" }, pick(app.view.text))));
}

function drawParticipation(main) {
  const open = [...app.questions.values()].filter((q) => q.state === "open");
  main.append(
    h("div", { class: "pl-welcome" },
      h("h1", { class: "pl-prompt" }, pick(app.meeting.title)),
      open.length
        ? h("div", { class: "open-list" }, h("p", { class: "pl-status pl-status-open" }, t("plenary.vote_now")), h("ul", {}, open.slice(0, 4).map((q) => h("li", {}, pick(q.prompt)))))
        : h("p", { class: "pl-sub" }, t("plenary.welcome"))),
    joinPanel(true),
  );
}

main();
