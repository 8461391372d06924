// @ts-check
// The shapes the theme team's modules hand each other, as JSDoc types for `tsc --checkJs`
// (nothing here runs). The board's own shapes are in board.js, filing's in filing.js.
// Import them with
//   /** @import { ThemeApp, ThemeContext } from "./types-theme.js" */

/** @typedef {typeof import("./themestate.js").app} ThemeApp  the workbench's shared state */

/**
 * @typedef {object} ThemeContext  what theme.js hands the side panel and the groupings
 * @property {ThemeApp} app
 * @property {typeof import("./themestate.js").call} call
 * @property {typeof import("./themeactions.js").notify} notify
 * @property {typeof import("./themeactions.js").fileKeys} fileKeys
 * @property {typeof import("./themeactions.js").conflictNotice} conflictNotice
 * @property {typeof import("./themelist.js").scheduleSync} scheduleSync
 * @property {typeof import("./themelist.js").refreshIdeas} refreshIdeas
 * @property {typeof import("./themelist.js").clearSelection} clearSelection
 */

export {};
