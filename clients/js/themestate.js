// @ts-check
// The theme team's workbench: the state its modules share (theme.js wires it to the socket
// and the keys; themelist.js draws the list and the selection; themeactions.js files).

import { api } from "./api.js";
import { Board } from "./board.js";
import { UNSET } from "./types.js";
/** @import { Session, Meeting } from "./types.js" */
/** @import { Connection } from "./connection.js" */
/** @import { Filing } from "./filing.js" */
/** @import { VirtualList } from "./vlist.js" */
/** @import { Notices } from "./notices.js" */
/** @import { ThemePanel } from "./themepanel.js" */
/** @import { Groupings } from "./groupings.js" */

export const HOLD_MS = 2500; // after a key press, rows on screen stay put this long

// The fields set to UNSET are made at start (main and skeleton), before any use.
export const app = {
  session: /** @type {Session} */ (UNSET),
  conn: /** @type {Connection} */ (UNSET),
  meeting: /** @type {Meeting | null} */ (null),
  board: new Board(),
  filing: /** @type {Filing} */ (UNSET),
  list: /** @type {VirtualList} */ (UNSET),
  notices: /** @type {Notices} */ (UNSET),
  panel: /** @type {ThemePanel} */ (UNSET),
  groupings: /** @type {Groupings} */ (UNSET),
  filter: { status: "unfiled", round: "", site: "", table: "", search: "", group: true },
  selected: /** @type {Set<string>} */ (new Set()), // row keys
  cursor: /** @type {string | null} */ (null), // row key
  ghosts: /** @type {Set<string>} */ (new Set()), // rows that left the filter but stay on screen while held
  pending: /** @type {Set<string>} */ (new Set()), // idea ids being filed
  hover: false,
  lastKey: 0,
  engine: "unknown", // "ready" | "busy" | "off" | "unknown"
  undo: /** @type {{theme: string, ids: string[]}[]} */ ([]), // what this person filed, last last
  boardTimer: /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined),
  boardDue: 0,
  boardBusy: false,
  syncFrame: 0,
  choices: "", // the filters' options as last drawn
};

/** @param {string} method @param {string} path (after the meeting's) @param {any} [body] */
export function call(method, path, body) {
  return api(method, `/api/meetings/${app.session.meeting}${path}`, { token: app.session.token, body });
}
