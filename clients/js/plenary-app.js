// @ts-check
// The plenary display's state, shared by its views (plenary.js draws the stage and keeps
// the socket; plenary-question.js and plenary-views.js draw the views). plenary.js fills
// `hooks.render`, so a view can draw the stage again without importing the page.

import { UNSET } from "./types.js";
/** @import { Session, Meeting, Question, PlenaryView, Results, Breakdown, Idea, Theme } from "./types.js" */
/** @import { Connection } from "./connection.js" */
/** @import { ResultsView } from "./results.js" */
/** @import { BreakdownMatrix } from "./breakdown.js" */
/** @import { LastKnown } from "./offline.js" */

export const SITE_KEY = "pk.plenary.site";

export const app = {
  session: /** @type {Session} */ (UNSET),
  conn: /** @type {Connection} */ (UNSET),
  meeting: /** @type {Meeting | null} */ (null),
  /** @type {Map<string, Question>} */
  questions: new Map(), // every question (from GET meeting), state kept current by events
  /** @type {PlenaryView} */
  view: { view: "participation" },
  /** @type {Record<string, Results>} */
  results: {},
  /** @type {Idea[]} */
  ideas: [],
  /** @type {Theme[]} */
  themes: [],
  drawn: /** @type {string | null} */ (null), // what the stage shows, to update in place
  resultsView: /** @type {ResultsView | null} */ (null),
  site: localStorage.getItem(SITE_KEY) || "", // this screen's hall ("" = all halls only)
  siteView: /** @type {ResultsView | null} */ (null),
  /** @type {Record<string, Results>} */
  siteResults: {}, // question -> this hall's Results
  siteTimer: /** @type {ReturnType<typeof setTimeout> | null} */ (null),
  siteLast: 0,
  breakdown: /** @type {Breakdown | null} */ (null), // the last by= answer for the view on show
  breakdownView: /** @type {BreakdownMatrix | null} */ (null),
  breakdownTimer: /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined),
  last: /** @type {LastKnown} */ (UNSET), // the last known state (offline.js)
  /** @type {Map<string, {tables: number, quotes: string[]}> | null} */
  themeFacts: null, // theme id -> {tables, quotes} from GET …/themes?quotes=3
  themesTimer: /** @type {ReturnType<typeof setTimeout> | null} */ (null),
  rememberTimer: /** @type {ReturnType<typeof setTimeout> | null} */ (null), // the last known state is written then
};

/** Filled by plenary.js: draw the stage again. @type {{render: () => void}} */
export const hooks = {
  render: () => {},
};

/** This screen's hall ("" = all halls only), remembered on the screen. @param {string} site */
export function setSite(site) {
  app.site = site;
  app.siteResults = {};
  if (site) localStorage.setItem(SITE_KEY, site);
  else localStorage.removeItem(SITE_KEY);
}

export function currentSite() {
  return (app.meeting?.sites || []).find((s) => s.id === app.site) || null;
}

/** Whether the view on show uses question `q`. @param {string} q */
export function shows(q) {
  return app.view.question === q || app.view.pre === q || app.view.post === q || app.view.by === q;
}

export function viewKey() {
  return JSON.stringify(app.view);
}

/** The meeting on show: the views are drawn and read only once it is known. */
export function shownMeeting() {
  if (!app.meeting) throw new Error("plenary: no meeting yet");
  return app.meeting;
}

/** A question the screen knows (none for a view without one). @param {string | undefined} id @returns {Question | undefined} */
export function questionOf(id) {
  return id === undefined ? undefined : app.questions.get(id);
}

/**
 * A question's results: all halls', or this hall's (`site`).
 * @param {string | undefined} id
 * @param {boolean} [site]
 * @returns {Results | undefined}
 */
export function resultsOf(id, site = false) {
  return id === undefined ? undefined : (site ? app.siteResults : app.results)[id];
}
