// @ts-check
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
//
// This page keeps the socket and draws the stage; the views are plenary-question.js (a
// question, the comparison, this hall beside all halls) and plenary-views.js (results by
// group, the walls, a text, the welcome); their shared state is in plenary-app.js.

import { api } from "./api.js";
import { Connection } from "./connection.js";
import { $, $$, h, clear } from "./dom.js";
import { t, pick, fmtDate, errorText } from "./i18n.js";
import { obtainSession, forgetSession } from "./session.js";
import { startPage, statusBar, need } from "./ui.js";
import { fitText } from "./words.js";
import { lastKnown } from "./offline.js";
import { app, hooks, setSite, shows, viewKey, questionOf, resultsOf } from "./plenary-app.js";
import { drawQuestion, drawCompare, drawSitePicker, drawSite, drawNumbers, fillCompare, siteQuestions, scheduleSite } from "./plenary-question.js";
import { drawBreakdown, drawIdeas, drawThemes, drawText, drawParticipation, scheduleThemes } from "./plenary-views.js";
/** @import { Welcome, ServerEvent, Idea, Question } from "./types.js" */

const THEMES_AFTER_MS = 1000; // the wall reads the themes' tables and quotes again this long after a change
const REMEMBER_EVERY_MS = 2000; // the last known state is written at most this often
const IDEAS_KEPT = 50;

hooks.render = render;

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

async function main() {
  await startPage();
  siteFromFragment();
  app.session = await obtainSession("display", need("#main"), { titleKey: "plenary.title" });
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
    need("#stage").append(mark);
  }
  mark.textContent = t("plenary.reconnecting");
}

/** @param {Welcome} welcome */
async function onWelcome(welcome) {
  const state = welcome.state;
  const meetingId = state.meeting.id;
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
    const meeting = await api("GET", `/api/meetings/${meetingId}`, { token: app.session.token });
    /** @type {Question[]} */
    const questions = meeting.questions;
    for (const q of questions) app.questions.set(q.id, { ...app.questions.get(q.id), ...q });
    app.drawn = null;
    render();
  } catch (err) {
    console.warn("meeting", errorText(err.code));
  }
}

/** @param {Idea[]} ideas */
function dedupe(ideas) {
  const seen = new Map();
  for (const idea of ideas) seen.set(idea.id, idea);
  return [...seen.values()];
}

/** @param {ServerEvent} message */
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

function header() {
  if (!app.meeting) return;
  fitText(need("#pl-title"), pick(app.meeting.title), 1);
  need("#pl-date").textContent = fmtDate(new Date());
  document.title = `${t("app.name")} · ${t("plenary.title")}`;
}

function render() {
  if (!app.meeting) return;
  header();
  const key = viewKey();
  if (app.drawn === key && app.view.view !== "ideas" && app.view.view !== "themes") return update();
  app.drawn = key;
  const main = clear(need("#main"));
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

/** As many lines of an idea card as it holds beside its table number, five at most. @param {HTMLElement} el */
function wallLines(el) {
  const card = el.parentElement;
  if (!card) throw new Error("plenary: an idea's text outside its card");
  const meta = $(".wall-meta", card);
  const box = getComputedStyle(card);
  const room = card.clientHeight - parseFloat(box.paddingTop) - parseFloat(box.paddingBottom) - (meta ? meta.offsetHeight + parseFloat(getComputedStyle(meta).marginTop) : 0);
  return Math.max(1, Math.min(5, Math.floor(room / parseFloat(getComputedStyle(el).lineHeight))));
}

/** Titles in their lines with the last words together, idea excerpts in five lines: cut
 * between words (Intl.Segmenter, Thai), never inside one. */
/** @param {HTMLElement} main */
function fitStage(main) {
  for (const el of $$(".pl-prompt", main)) fitText(el, el.dataset.text ?? el.textContent ?? "", main.dataset.view === "participation" ? 3 : 2);
  for (const el of $$(".wall-text", main)) fitText(el, el.dataset.text ?? el.textContent ?? "", wallLines(el));
  for (const el of $$(".open-list li", main)) fitText(el, el.dataset.text ?? el.textContent ?? "", 1);
  fitBars();
}

/** Bars as tall as the stylesheet says (--row-h), or less when a two-line title and eight
 * options would push the last bar under the footnote. */
function fitBars() {
  for (const mount of $$("#pl-results, #pl-site-results")) {
    const bars = $(".bars", mount);
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
    const q = questionOf(app.view.question);
    const r = resultsOf(app.view.question);
    if (!r) return;
    app.resultsView?.update(r, q);
    drawNumbers(r);
    drawSite();
    fitBars();
  } else if (app.view.view === "compare") {
    fillCompare();
  }
}

main();
