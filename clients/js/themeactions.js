// @ts-check
// The theme team's filing: ideas into a theme (by adding and removing, filing.js), out of
// one, undo, a new theme from the selection, and the notice with a button to move ideas
// someone else filed first.

import { t, pick, errorText } from "./i18n.js";
import { Conflict } from "./filing.js";
import { cutWords } from "./words.js";
import { app } from "./themestate.js";
import { refreshIdeas, scheduleSync, clearSelection, selectedIdeas } from "./themelist.js";
/** @import { Theme } from "./types.js" */
/** @import { NoticeAction } from "./notices.js" */

/** @param {string} id */
function themeLabel(id) {
  const theme = app.board.themeById.get(id);
  return theme ? pick(theme.label) : id;
}

/**
 * @param {string} text
 * @param {string} [kind]  info, ok, error, conflict
 * @param {{key?: string | null, actions?: NoticeAction[], ms?: number | null}} [options]
 */
export function notify(text, kind = "info", options = {}) {
  return app.notices.show(text, { kind, ...options });
}

/** Take a theme as an answer gave it, and draw what changed. @param {Theme} theme */
function saved(theme) {
  refreshIdeas(app.board.putTheme(theme));
  scheduleSync();
}

/** @param {string[]} ids @param {boolean} on  being filed */
function mark(ids, on) {
  for (const id of ids) on ? app.pending.add(id) : app.pending.delete(id);
  refreshIdeas(ids);
}

/**
 * File what `keys` stand for under `themeId` (`move`: even from another theme).
 * @param {string[]} keys  row keys
 * @param {string | undefined} themeId  none: nothing is filed
 * @param {{move?: boolean, clear?: boolean}} [options]
 */
export async function fileKeys(keys, themeId, { move = false, clear = false } = {}) {
  const ids = [...new Set(keys.flatMap((key) => app.board.toFile(key)))];
  if (!ids.length || !themeId) return;
  await fileIdeas(ids, themeId, { move });
  if (clear) clearSelection();
}

/** @param {string[]} ids @param {string} themeId @param {{move?: boolean}} [options] @returns {Promise<void>} */
async function fileIdeas(ids, themeId, { move = false } = {}) {
  mark(ids, true);
  try {
    saved(await app.filing.add(themeId, ids, { move }));
    app.undo.push({ theme: themeId, ids });
    notify(t("theme.filed_under", { n: ids.length, label: themeLabel(themeId) }), "ok", { key: "filed" });
  } catch (err) {
    if (!(err instanceof Conflict)) {
      notify(errorText(err.code, err.detail), "error");
      return;
    }
    const free = ids.filter((id) => !err.filed[id]);
    conflictNotice(err.filed, themeId);
    if (free.length) {
      mark(ids, false);
      await fileIdeas(free, themeId);
    }
  } finally {
    mark(ids, false);
  }
}

/**
 * "Already filed under X by someone else", with a button that moves them to `target`
 * (a theme id, or a function that does the move).
 * @param {Record<string, string>} filed  idea id -> theme id
 * @param {string | ((ids: string[]) => unknown)} target
 * @param {string | null} [moveLabel]
 */
export function conflictNotice(filed, target, moveLabel = null) {
  /** @type {Map<string, string[]>} */
  const byTheme = new Map();
  for (const [id, theme] of Object.entries(filed)) byTheme.set(theme, [...(byTheme.get(theme) || []), id]);
  for (const [theme, ids] of byTheme) {
    if (theme === target) continue;
    const idea = app.board.ideas.get(ids[0]);
    const text = ids.length === 1
      ? t("theme.conflict_one", { text: cutWords(idea?.text || ids[0], 60), label: themeLabel(theme) })
      : t("theme.conflict_many", { n: ids.length, label: themeLabel(theme) });
    const run = typeof target === "function" ? () => target(ids) : () => fileIdeas(ids, target, { move: true });
    notify(text, "conflict", {
      key: `conflict:${ids.join(",")}`,
      actions: [
        { name: "move", label: moveLabel || t("theme.move_here", { label: typeof target === "string" ? themeLabel(target) : "" }), run, primary: true },
        { name: "keep", label: t("theme.leave_it"), run: () => {} },
      ],
    });
  }
}

/** @param {string} themeId @param {string[]} ids */
export async function unfile(themeId, ids) {
  if (!ids.length) return;
  mark(ids, true);
  try {
    saved(await app.filing.remove(themeId, ids));
  } catch (err) {
    notify(errorText(err.code, err.detail), "error");
  } finally {
    mark(ids, false);
  }
}

export async function undo() {
  const last = app.undo.pop();
  if (!last) return;
  const still = last.ids.filter((id) => app.board.filedIn.get(id) === last.theme);
  await unfile(last.theme, still);
  notify(t("theme.undone", { n: still.length }), "ok", { key: "filed" });
}

/**
 * A new theme named as typed, holding the selected ideas (none: an empty theme to file
 * into). The name is cleared only once the theme is made.
 * @param {HTMLInputElement} input
 */
export async function makeTheme(input) {
  const label = input.value.trim();
  if (!label) {
    input.focus();
    return;
  }
  const ids = selectedIdeas();
  /** @param {string[]} list @returns {Promise<Theme>} */
  const create = async (list, move = false) => {
    mark(list, true);
    try {
      const theme = await app.filing.create(label, list, { move });
      saved(theme);
      return theme;
    } finally {
      mark(list, false);
    }
  };
  try {
    let theme;
    try {
      theme = await create(ids);
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      theme = await create(ids.filter((id) => !err.filed[id]));
      conflictNotice(err.filed, theme.id);
    }
    if (input.value.trim() === label) input.value = "";
    clearSelection();
    notify(t("theme.made_theme", { label, n: theme.ideas.length }), "ok", { key: "filed" });
  } catch (err) {
    notify(errorText(err.code, err.detail), "error");
  }
}
