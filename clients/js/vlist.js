// @ts-check
// A list that draws only the rows on screen: every row has the same height, a small pool of
// row elements is reused as the list scrolls, and a row is drawn again only when what it
// shows has changed (its stamp). Changing the keys keeps one row (the anchor: the row under
// the pointer, else the first row on screen) exactly where it was, so rows arriving or
// leaving above it never move what a person is about to tap.
//
//   const list = new VirtualList(scroller, { rowHeight: 72, stamp: (key) => "…", draw: (el, key) => {…} });
//   list.setKeys(keys, [preferredAnchor]);   list.refresh();   list.reveal(key);

import { h } from "./dom.js";

/**
 * @typedef {object} VirtualListOptions
 * @property {number} rowHeight  px, every row the same
 * @property {(key: string) => string} stamp  everything the row shows: drawn again when it changes
 * @property {(el: HTMLElement, key: string) => void} draw
 * @property {number} [overscan]  rows drawn beyond the screen, each side
 * @property {string} [rowClass]
 */

export class VirtualList {
  /** @param {HTMLElement} scroller @param {VirtualListOptions} options */
  constructor(scroller, { rowHeight, stamp, draw, overscan = 3, rowClass = "vrow" }) {
    this.scroller = scroller;
    this.rowHeight = rowHeight;
    this.stamp = stamp;
    this.draw = draw;
    this.overscan = overscan;
    this.rowClass = rowClass;
    /** @type {string[]} */
    this.keys = [];
    /** @type {Map<string, number>} */
    this.index = new Map(); // key -> position
    /** @type {Map<string, HTMLElement>} */
    this.drawn = new Map(); // key -> row element on screen
    /** @type {HTMLElement[]} */
    this.spare = []; // row elements not in use
    /** @type {number | null} */
    this.pointerY = null; // the pointer's y inside the scroller (client px), while over it
    this.frame = 0;
    this.spacer = h("div", { class: "vlist-spacer", "aria-hidden": "true" });
    scroller.classList.add("vlist");
    scroller.style.setProperty("--row-h", `${rowHeight}px`);
    scroller.append(this.spacer);
    scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    scroller.addEventListener("pointermove", (e) => (this.pointerY = e.clientY), { passive: true });
    scroller.addEventListener("pointerleave", () => (this.pointerY = null), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  get size() {
    return this.keys.length;
  }

  /** @param {string} key */
  has(key) {
    return this.index.has(key);
  }

  /** The first and last positions on screen (inclusive). */
  visibleRange() {
    const top = this.scroller.scrollTop;
    const first = Math.floor(top / this.rowHeight);
    const last = Math.ceil((top + this.scroller.clientHeight) / this.rowHeight) - 1;
    return [Math.max(0, first), Math.min(this.keys.length - 1, last)];
  }

  visibleKeys() {
    const [a, b] = this.visibleRange();
    return this.keys.slice(a, b + 1);
  }

  /** The key of the row under the pointer, or null. */
  pointerKey() {
    if (this.pointerY === null) return null;
    const y = this.pointerY - this.scroller.getBoundingClientRect().top + this.scroller.scrollTop;
    return this.keys[Math.floor(y / this.rowHeight)] ?? null;
  }

  /** New keys; the anchor row (first of `anchors` still listed, else the pointer's row, else
   * the first row on screen still listed) keeps its place on screen.
   * @param {string[]} keys
   * @param {(string | null)[]} [anchors]
   */
  setKeys(keys, anchors = []) {
    const next = new Map(keys.map((k, i) => [k, i]));
    const candidates = [...anchors, this.pointerKey(), ...this.visibleKeys()];
    const anchor = candidates.find((k) => k != null && this.index.has(k) && next.has(k));
    const was = anchor == null ? undefined : this.index.get(anchor);
    const offset = was === undefined ? null : was * this.rowHeight - this.scroller.scrollTop;
    this.keys = keys;
    this.index = next;
    this.spacer.style.height = `${keys.length * this.rowHeight}px`;
    const now = anchor == null ? undefined : next.get(anchor);
    if (offset !== null && now !== undefined) {
      const want = now * this.rowHeight - offset;
      if (Math.abs(this.scroller.scrollTop - want) >= 1) this.scroller.scrollTop = want;
    }
    this.paint();
  }

  /** Draw again the rows whose stamp changed (all of `keys` when given). */
  /** @param {Iterable<string | null> | null} [keys] */
  refresh(keys = null) {
    if (keys) for (const k of keys) if (k !== null) this.drawn.get(k)?.removeAttribute("data-stamp");
    this.schedule();
  }

  /** Scroll the least needed for `key`'s row to be fully on screen. @param {string} key */
  reveal(key) {
    const i = this.index.get(key);
    if (i === undefined) return;
    const top = i * this.rowHeight;
    const s = this.scroller;
    if (top < s.scrollTop) s.scrollTop = top;
    else if (top + this.rowHeight > s.scrollTop + s.clientHeight) s.scrollTop = top + this.rowHeight - s.clientHeight;
    this.paint();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  paint() {
    const [a, b] = this.visibleRange();
    const from = Math.max(0, a - this.overscan);
    const to = Math.min(this.keys.length - 1, b + this.overscan);
    const wanted = new Set(this.keys.slice(from, to + 1));
    for (const [key, el] of this.drawn) {
      if (!wanted.has(key)) {
        this.drawn.delete(key);
        el.hidden = true;
        this.spare.push(el);
      }
    }
    for (let i = from; i <= to; i++) {
      const key = this.keys[i];
      let el = this.drawn.get(key);
      if (!el) {
        el = this.spare.pop() || this.scroller.appendChild(h("div", { class: this.rowClass }));
        el.hidden = false;
        el.removeAttribute("data-stamp");
        this.drawn.set(key, el);
      }
      const y = `translateY(${i * this.rowHeight}px)`;
      if (el.style.transform !== y) el.style.transform = y;
      const stamp = this.stamp(key);
      if (el.dataset.stamp !== stamp || el.dataset.key !== key) {
        el.dataset.key = key;
        el.dataset.stamp = stamp;
        this.draw(el, key);
      }
    }
  }

  /** The row element drawn for `key`, if it is on screen. @param {string} key */
  element(key) {
    return this.drawn.get(key) || null;
  }
}
