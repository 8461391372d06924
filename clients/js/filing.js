// @ts-check
// Filing ideas under themes while several people of the team file at once: ideas are added
// to and taken out of a theme (POST …/themes/{t}/ideas), never written as a whole list, so
// two people filing at the same moment both land. An idea already under another theme is a
// Conflict naming that theme (`filed`: {idea: theme}); nothing is moved unless asked.
//
// A server without the add/remove call (a plain 404 or 405) gets the whole list instead,
// computed from what this page knows, until it has one.

import { api, ApiError } from "./api.js";
/** @import { Theme } from "./types.js" */
/** @import { Board } from "./board.js" */

export class Conflict extends Error {
  /** @param {Record<string, string>} filed  idea id -> the theme it is under */
  constructor(filed) {
    super("already filed under another theme");
    this.filed = filed; // {idea id: theme id}
  }
}

/** @param {unknown} err */
const missing = (err) => err instanceof ApiError && err.code === "http_error" && (err.status === 404 || err.status === 405);

export class Filing {
  /** @param {{meeting: string, token: string, board: Board}} options */
  constructor({ meeting, token, board }) {
    this.base = `/api/meetings/${meeting}`;
    this.token = token;
    this.board = board;
    this.legacy = false; // the server has no add/remove call
  }

  /** @param {string} method @param {string} path @param {any} [body] @returns {Promise<any>} */
  call(method, path, body) {
    return api(method, this.base + path, { token: this.token, body });
  }

  /**
   * The ideas this page knows to be under another theme than `themeId`.
   * @param {string[]} ids
   * @param {string | null} [themeId]
   */
  elsewhere(ids, themeId = null) {
    /** @type {Record<string, string>} */
    const filed = {};
    for (const id of ids) {
      const t = this.board.filedIn.get(id);
      if (t && t !== themeId) filed[id] = t;
    }
    return filed;
  }

  /** @param {string[]} ids @param {string | null} themeId @param {boolean} move */
  check(ids, themeId, move) {
    const filed = this.elsewhere(ids, themeId);
    if (!move && Object.keys(filed).length) throw new Conflict(filed);
  }

  /** @param {() => Promise<any>} fn @returns {Promise<any>} */
  async request(fn) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApiError && err.code === "conflict" && err.info?.filed) throw new Conflict(err.info.filed);
      throw err;
    }
  }

  /**
   * File `ids` under theme `themeId` (`move`: take them out of other themes).
   * @param {string} themeId
   * @param {string[]} ids
   * @param {{move?: boolean}} [options]
   * @returns {Promise<Theme>}
   */
  async add(themeId, ids, { move = false } = {}) {
    this.check(ids, themeId, move);
    if (!this.legacy) {
      try {
        return await this.request(() => this.call("POST", `/themes/${encodeURIComponent(themeId)}/ideas`, { add: ids, move }));
      } catch (err) {
        if (!missing(err)) throw err;
        this.legacy = true;
      }
    }
    const theme = this.board.themeById.get(themeId);
    if (!theme) throw new ApiError("not_found", "no such theme", 404);
    const saved = await this.request(() => this.call("POST", "/themes", { id: themeId, ideas: [...new Set([...theme.ideas, ...ids])], move }));
    if (move) await this.takeOutOfOthers(themeId, ids);
    return saved;
  }

  /** Take `ids` out of theme `themeId`. @param {string} themeId @param {string[]} ids @returns {Promise<Theme>} */
  async remove(themeId, ids) {
    if (!this.legacy) {
      try {
        return await this.call("POST", `/themes/${encodeURIComponent(themeId)}/ideas`, { remove: ids });
      } catch (err) {
        if (!missing(err)) throw err;
        this.legacy = true;
      }
    }
    const theme = this.board.themeById.get(themeId);
    if (!theme) throw new ApiError("not_found", "no such theme", 404);
    return this.call("POST", "/themes", { id: themeId, ideas: theme.ideas.filter((i) => !ids.includes(i)) });
  }

  /**
   * A new theme named `label` holding `ids`.
   * @param {string} label
   * @param {string[]} [ids]
   * @param {{move?: boolean}} [options]
   * @returns {Promise<Theme>}
   */
  async create(label, ids = [], { move = false } = {}) {
    this.check(ids, null, move);
    /** @type {{label: string, ideas: string[], move?: boolean}} */
    const body = { label, ideas: ids };
    if (move) body.move = true;
    const saved = await this.request(() => this.call("POST", "/themes", body));
    if (move && this.legacy) await this.takeOutOfOthers(saved.id, ids);
    return saved;
  }

  /** @param {string} themeId @param {string} label @returns {Promise<Theme>} */
  async rename(themeId, label) {
    if (!this.legacy) {
      try {
        return await this.call("POST", `/themes/${encodeURIComponent(themeId)}/ideas`, { label });
      } catch (err) {
        if (!missing(err)) throw err;
        this.legacy = true;
      }
    }
    return this.call("POST", "/themes", { id: themeId, label });
  }

  /**
   * Several themes as one: the first keeps its id and takes the others' ideas.
   * @param {string[]} themeIds  two or more
   * @param {string} label  the merged theme's (empty: the first's stays)
   * @returns {Promise<Theme>}
   */
  async merge(themeIds, label) {
    const [keep, ...rest] = themeIds;
    const ideas = rest.flatMap((id) => this.board.themeById.get(id)?.ideas || []);
    let saved = await this.add(keep, ideas, { move: true });
    if (label) saved = await this.rename(keep, label);
    for (const id of rest) await this.call("DELETE", `/themes/${encodeURIComponent(id)}`);
    return saved;
  }

  /** @param {string} themeId */
  deleteTheme(themeId) {
    return this.call("DELETE", `/themes/${encodeURIComponent(themeId)}`);
  }

  /** @param {string} themeId @param {string[]} ids */
  async takeOutOfOthers(themeId, ids) {
    for (const other of this.board.themes) {
      if (other.id !== themeId && other.ideas.some((i) => ids.includes(i))) {
        await this.call("POST", "/themes", { id: other.id, ideas: other.ideas.filter((i) => !ids.includes(i)) });
      }
    }
  }
}
