// @ts-check
// The organiser console's shared state and the few helpers every tab uses. The page
// (organiser.js) fills `hooks` with its render and refresh, so a tab can redraw the
// console without importing the page that imports it.

import { api } from "./api.js";
import { h, toast } from "./dom.js";
import { t, errorText } from "./i18n.js";
import { UNSET } from "./types.js";
/** @import { Session, Meeting, Question, Codes, PlenaryView, Results, Audit } from "./types.js" */
/** @import { Connection } from "./connection.js" */
/** @import { ResultsView } from "./results.js" */


export const app = {
  session: /** @type {Session} */ (UNSET),
  conn: /** @type {Connection | null} */ (null),
  meeting: /** @type {Meeting | null} */ (null),
  questions: /** @type {Question[]} */ ([]),
  codes: /** @type {Codes | null | undefined} */ (null),
  /** @type {PlenaryView} */
  plenary: { view: "participation" },
  /** @type {Record<string, Results | undefined>} */
  results: {},
  tab: localStorage.getItem("pk.organiser.tab") || "agenda",
  selected: /** @type {string | null} */ (null), // question shown in the results tab
  method: "",
  breakdown: localStorage.getItem("pk.organiser.breakdown") || "",
  resultsView: /** @type {ResultsView | null} */ (null),
  groupViews: /** @type {Map<string, ResultsView>} */ (new Map()),
  poll: /** @type {ReturnType<typeof setInterval> | undefined} */ (undefined),
  agendaStale: false, // a level list was open when the agenda changed
  exportLang: localStorage.getItem("pk.organiser.export_lang") || "",
  exporting: /** @type {Record<string, number>} */ ({}), // format -> ms when it started
  exported: /** @type {Record<string, {kind: string, key: string, vars?: Record<string, any>}>} */ ({}),
  exportTick: /** @type {ReturnType<typeof setInterval> | null} */ (null),
  audit: /** @type {{busy?: boolean, found?: Audit, error?: any, at?: number} | null} */ (null),
};

/**
 * The counting methods a question of this kind can be shown by, as the server lists them
 * (GET /api/meetings/{m} `methods`, the live tally's first); none when there is no choice.
 * @param {string | undefined} kind
 * @returns {string[]}
 */
export function methodsOf(kind) {
  const methods = (kind && app.meeting?.methods?.[kind]) || [];
  return methods.length > 1 ? methods : [];
}

/**
 * Filled by organiser.js: draw the whole console again; read the meeting again.
 * @type {{render: () => void, refresh: (draw?: boolean) => Promise<void>}}
 */
export const hooks = {
  render: () => {},
  refresh: async () => {},
};

/** The API with the organiser's token. @param {string} method @param {string} path @param {any} [body] @returns {Promise<any>} */
export function call(method, path, body) {
  return api(method, path, { token: app.session.token, body });
}


/** Run an action; say `label` when it worked, the error when not. @param {string | null} label @param {() => unknown} fn */
export async function act(label, fn) {
  try {
    await fn();
    if (label) toast(label, "ok", 2000);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error", 6000);
  }
}


/** @param {string} key @param {string} kind  its btn- class @param {(event: MouseEvent) => void} onclick @param {Record<string, any>} [attrs] */
export function button(key, kind, onclick, attrs = {}) {
  return h("button", { type: "button", class: `btn ${kind}`, onclick, ...attrs }, t(key));
}

