// @ts-check
// The IAP2 spectrum of public participation, for the organiser's agenda: a question's
// level (inform … empower) is optional; the reports sum up from it how far people were
// involved. The names are the server's (server/prachakhom/iap2.py), in clients/i18n.

import { h } from "./dom.js";
import { t } from "./i18n.js";

export const LEVELS = ["inform", "consult", "involve", "collaborate", "empower"];

/** "3. การเข้ามามีบทบาท": the level's step on the spectrum and its name. */
/** @param {string} level */
export function levelName(level) {
  return `${LEVELS.indexOf(level) + 1}. ${t(`iap2.${level}`)}`;
}

/** A <select> of the levels (and "not set"), each explained in its title. */
/** @param {Record<string, any>} attrs @param {string | null} [value] */
export function levelSelect(attrs, value = "") {
  return h("select", { class: "input level-select", ...attrs },
    h("option", { value: "", selected: !value }, t("organiser.level_none")),
    LEVELS.map((level) => h("option", { value: level, selected: level === value, title: t(`iap2.about_${level}`) }, levelName(level))));
}
