// @ts-check
// Filing ideas under themes while several people of the team file at once: ideas are added
// to and taken out of a theme (POST …/themes/{t}/ideas), never written as a whole list, so
// two people filing at the same moment both land. An idea already under another theme is a
// Conflict naming that theme (`filed`: {idea: theme}); nothing is moved unless asked.
//
// A server without the add/remove call (a plain 404 or 405) gets the whole list instead,
// computed from what this page knows, until it has one.

import { api, ApiError } from "./api.js";

export class Conflict extends Error {
  constructor(filed) {
    super("already filed under another theme");
    this.filed = filed; // {idea id: theme id}
  }
}

const missing = (err) => err instanceof ApiError && err.code === "http_error" && (err.status === 404 || err.status === 405);

export class Filing {
  constructor({ meeting, token, board }) {
    this.base = `/api/meetings/${meeting}`;
    this.token = token;
    this.board = board;
    this.legacy = false; // the server has no add/remove call
  }

  call(method, path, body) {
    return api(method, this.base + path, { token: this.token, body });
  }

  /** The ideas this page knows to be under another theme than `themeId`. */
  elsewhere(ids, themeId = null) {
    const filed = {};
    for (const id of ids) {
      const t = this.board.filedIn.get(id);
      if (t && t !== themeId) filed[id] = t;
    }
    return filed;
  }

  check(ids, themeId, move) {
    const filed = this.elsewhere(ids, themeId);
    if (!move && Object.keys(filed).length) throw new Conflict(filed);
  }

  async request(fn) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApiError && err.code === "conflict" && err.info?.filed) throw new Conflict(err.info.filed);
      throw err;
    }
  }

  /** File `ids` under theme `themeId` (`move`: take them out of other themes). */
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

  /** Take `ids` out of theme `themeId`. */
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

  /** A new theme named `label` holding `ids`. */
  async create(label, ids = [], { move = false } = {}) {
    this.check(ids, null, move);
    const body = { label, ideas: ids };
    if (move) body.move = true;
    const saved = await this.request(() => this.call("POST", "/themes", body));
    if (move && this.legacy) await this.takeOutOfOthers(saved.id, ids);
    return saved;
  }

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

  /** Several themes as one: the first keeps its id and takes the others' ideas. */
  async merge(themeIds, label) {
    const [keep, ...rest] = themeIds;
    const ideas = rest.flatMap((id) => this.board.themeById.get(id)?.ideas || []);
    let saved = await this.add(keep, ideas, { move: true });
    if (label) saved = await this.rename(keep, label);
    for (const id of rest) await this.call("DELETE", `/themes/${encodeURIComponent(id)}`);
    return saved;
  }

  deleteTheme(themeId) {
    return this.call("DELETE", `/themes/${encodeURIComponent(themeId)}`);
  }

  async takeOutOfOthers(themeId, ids) {
    for (const other of this.board.themes) {
      if (other.id !== themeId && other.ideas.some((i) => ids.includes(i))) {
        await this.call("POST", "/themes", { id: other.id, ideas: other.ideas.filter((i) => !ids.includes(i)) });
      }
    }
  }
}
