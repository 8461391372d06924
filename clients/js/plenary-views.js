// @ts-check
// The plenary's other views: results by group (read from the results API every two
// seconds while either question is open), the idea wall, the themes wall (how many tables
// raised each theme, with a few quotes), a text, and the welcome with the join QR.

import { api } from "./api.js";
import { $, $$, h } from "./dom.js";
import { t, pick, errorText } from "./i18n.js";
import { participationText } from "./results.js";
import { BreakdownMatrix, breakdownNote } from "./breakdown.js";
import { fitWords } from "./words.js";
import { app, hooks, viewKey, shownMeeting, questionOf } from "./plenary-app.js";
/** @import { Results, Breakdown, Idea, Theme } from "./types.js" */
import { joinPanel } from "./plenary-question.js";

const IDEAS_ON_WALL = 12;
const THEMES_ON_WALL = 12;
const BREAKDOWN_EVERY_MS = 2000;

/** @param {HTMLElement} main */
export function drawBreakdown(main) {
  const q = questionOf(app.view.question);
  const by = questionOf(app.view.by);
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
  const q = questionOf(app.view.question);
  app.breakdownView.update(found, q);
  const all = found.all || /** @type {Partial<Results>} */ ({});
  $("#pl-by-n").textContent = ` · ${participationText(all).voters}`;
  $("#pl-breakdown-note").textContent = breakdownNote(found);
  const status = $("#pl-status");
  if (all.status) {
    status.textContent = `${t("plenary.breakdown")} · ${t(all.status === "open" ? "plenary.status_open" : all.status === "closed" ? "plenary.status_closed" : "plenary.status_draft")}`;
    status.className = `pl-status pl-status-${all.status}`;
  }
}

/** Read the results by group in `wait` ms (none unless a breakdown is on show, revealed). @param {number} wait */
function scheduleBreakdown(wait) {
  clearTimeout(app.breakdownTimer);
  app.breakdownTimer = undefined;
  if (app.view.view !== "breakdown" || app.view.reveal === false) return;
  app.breakdownTimer = setTimeout(fetchBreakdown, wait);
}

async function fetchBreakdown() {
  const key = viewKey();
  const { question, by } = app.view;
  try {
    if (question === undefined) throw new Error("a breakdown without its question");
    /** @type {Breakdown} */
    const found = await api("GET", `/api/meetings/${shownMeeting().id}/questions/${encodeURIComponent(question)}/results`, { token: app.session.token, query: { by } });
    if (key !== viewKey()) return;
    app.breakdown = found;
    drawBreakdownData();
  } catch (err) {
    console.warn("results by group", errorText(err.code)); // e.g. hidden again meanwhile
  }
  const moving = [question, by].some((id) => questionOf(id)?.state === "open");
  if (key === viewKey() && moving) scheduleBreakdown(BREAKDOWN_EVERY_MS);
}

/** @param {HTMLElement} main */
export function drawIdeas(main) {
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

/** @typedef {Theme & {tables: number, sites?: string[], quotes?: {idea: string, text: string, table: number}[]}} ThemeRead  GET …/themes?quotes= (tables and quotes come together) */

/** Read the themes with how many tables raised each and three quotes, within `wait` ms. @param {number} wait */
export function scheduleThemes(wait) {
  if (app.themesTimer) return;
  app.themesTimer = setTimeout(async () => {
    try {
      /** @type {{themes: ThemeRead[]}} */
      const { themes } = await api("GET", `/api/meetings/${shownMeeting().id}/themes`, { token: app.session.token, query: { quotes: 3 } });
      app.themeFacts = new Map(themes.flatMap((x) => (Array.isArray(x.quotes) ? [[x.id, { tables: x.tables, quotes: x.quotes.map((q) => q.text) }]] : [])));
    } catch (err) {
      console.warn("themes", errorText(err.code)); // the ideas this screen knows stand in
      app.themeFacts ||= new Map();
    } finally {
      app.themesTimer = null;
    }
    if (app.view.view === "themes") hooks.render();
  }, wait);
}

/**
 * How many tables raised a theme and a few of its ideas: from the server's reading, else
 * from the ideas this screen has seen.
 * @param {Theme} theme
 * @param {Map<string, Idea>} ideas  by id
 * @returns {{tables: number, quotes: string[]}}
 */
function themeFacts(theme, ideas) {
  const read = app.themeFacts?.get(theme.id);
  if (read) return read;
  const known = theme.ideas.flatMap((id) => ideas.get(id) ?? []);
  return { tables: new Set(known.map((i) => i.table)).size, quotes: known.slice(0, 3).map((i) => i.text) };
}

/** Columns and rows for n cards: as large as the screen allows. @param {number} n @returns {[number, number]} */
function wallShape(n) {
  if (n <= 2) return [n, 1];
  if (n <= 4) return [2, 2];
  if (n <= 6) return [3, 2];
  if (n <= 9) return [3, 3];
  return [4, 3];
}

/** @param {HTMLElement} main */
export function drawThemes(main) {
  if (!app.themeFacts && !app.themesTimer) scheduleThemes(0);
  const ideas = new Map(app.ideas.map((i) => [i.id, i]));
  const facts = new Map(app.themes.map((theme) => [theme.id, themeFacts(theme, ideas)]));
  /** @param {Theme} theme */
  const factsOf = (theme) => facts.get(theme.id) ?? themeFacts(theme, ideas);
  const themes = [...app.themes]
    .sort((a, b) => factsOf(b).tables - factsOf(a).tables || b.ideas.length - a.ideas.length)
    .slice(0, THEMES_ON_WALL);
  const [cols, rows] = wallShape(themes.length);
  const source = app.themeFacts?.size ? "server" : "screen"; // where the tables and quotes come from
  const wall = h("ul", { class: `theme-wall theme-wall-${cols}`, id: "theme-wall", "data-source": source, style: { gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` } },
    themes.map((theme) => {
      const { tables, quotes } = factsOf(theme);
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
 * most: cut between words (never inside one), with an ellipsis. @param {HTMLElement} wall */
function fitWall(wall) {
  for (const card of $$(".theme-card", wall)) {
    const label = $(".theme-label", card);
    fitWords(label, label.dataset.text ?? "", 2);
    const box = $(".theme-quotes", card);
    const bottom = box.getBoundingClientRect().bottom + 0.5;
    let full = false;
    for (const quote of $$(".theme-quote", box)) {
      if (full) {
        quote.remove();
        continue;
      }
      const text = quote.dataset.text ?? "";
      fitWords(quote, text, 2);
      if (quote.getBoundingClientRect().bottom > bottom) fitWords(quote, text, 1);
      if (quote.getBoundingClientRect().bottom > bottom) {
        quote.remove();
        full = true;
      }
    }
  }
  wall.dataset.fitted = "true";
}

/** @param {HTMLElement} main */
export function drawText(main) {
  main.append(h("div", { class: "pl-text-view" }, h("p", { class: "pl-text", id: "pl-text" }, pick(app.view.text))));
}

/** @param {HTMLElement} main */
export function drawParticipation(main) {
  const open = [...app.questions.values()].filter((q) => q.state === "open");
  main.append(
    h("div", { class: "pl-welcome" },
      h("h1", { class: "pl-prompt" }, pick(shownMeeting().title)),
      open.length
        ? h("div", { class: "open-list" }, h("p", { class: "pl-status pl-status-open" }, t("plenary.vote_now")), h("ul", {}, open.slice(0, 4).map((q) => h("li", {}, pick(q.prompt)))))
        : h("p", { class: "pl-sub" }, t("plenary.welcome"))),
    joinPanel(true),
  );
}
