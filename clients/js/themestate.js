// The theme team's workbench: the state its modules share (theme.js wires it to the socket
// and the keys; themelist.js draws the list and the selection; themeactions.js files).

import { api } from "./api.js";
import { Board } from "./board.js";

export const HOLD_MS = 2500; // after a key press, rows on screen stay put this long

export const app = {
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

export function call(method, path, body) {
  return api(method, `/api/meetings/${app.session.meeting}${path}`, { token: app.session.token, body });
}
