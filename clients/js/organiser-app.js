// The organiser console's shared state and the few helpers every tab uses. The page
// (organiser.js) fills `hooks` with its render and refresh, so a tab can redraw the
// console without importing the page that imports it.

import { api } from "./api.js";
import { h, toast } from "./dom.js";
import { t, errorText } from "./i18n.js";

// The counting methods a ranked question offers: the server sends its kinds
// (GET /api/meetings/{m} `kinds`) but not the methods of each, so they are listed here once.
export const RANKED_METHODS = ["borda", "irv", "schulze"];

export const app = {
  session: null,
  conn: null,
  meeting: null,
  questions: [],
  codes: null,
  plenary: { view: "participation" },
  results: {},
  tab: localStorage.getItem("pk.organiser.tab") || "agenda",
  selected: null, // question shown in the results tab
  method: "",
  breakdown: localStorage.getItem("pk.organiser.breakdown") || "",
  resultsView: null,
  groupViews: new Map(),
  poll: null,
  agendaStale: false, // a level list was open when the agenda changed
  exportLang: localStorage.getItem("pk.organiser.export_lang") || "",
  exporting: {}, // format -> ms when it started
  exported: {}, // format -> {kind: "ok" | "error", key, vars}
  exportTick: null,
  audit: null, // {busy, found, error, at}
};

/** Filled by organiser.js: draw the whole console again; read the meeting again. */
export const hooks = {
  render: () => {},
  refresh: async (draw = true) => {},
};

export function call(method, path, body) {
  return api(method, path, { token: app.session.token, body });
}


export async function act(label, fn) {
  try {
    await fn();
    if (label) toast(label, "ok", 2000);
  } catch (err) {
    toast(errorText(err.code, err.detail), "error", 6000);
  }
}


export function button(key, kind, onclick, attrs = {}) {
  return h("button", { type: "button", class: `btn ${kind}`, onclick, ...attrs }, t(key));
}

