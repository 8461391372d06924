// The plenary display's state, shared by its views (plenary.js draws the stage and keeps
// the socket; plenary-question.js and plenary-views.js draw the views). plenary.js fills
// `hooks.render`, so a view can draw the stage again without importing the page.

export const SITE_KEY = "pk.plenary.site";

export const app = {
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
  last: null, // the last known state (offline.js)
  themeFacts: null, // theme id -> {tables, quotes} from GET …/themes?quotes=3
  themesTimer: null,
};

/** Filled by plenary.js: draw the stage again. */
export const hooks = {
  render: () => {},
};

export function setSite(site) {
  app.site = site;
  app.siteResults = {};
  if (site) localStorage.setItem(SITE_KEY, site);
  else localStorage.removeItem(SITE_KEY);
}

export function currentSite() {
  return (app.meeting?.sites || []).find((s) => s.id === app.site) || null;
}

export function shows(q) {
  return app.view.question === q || app.view.pre === q || app.view.post === q || app.view.by === q;
}

export function viewKey() {
  return JSON.stringify(app.view);
}
