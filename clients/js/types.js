// @ts-check
// The shapes that cross the apps' modules, as JSDoc types for `tsc --checkJs` (nothing here
// runs). They follow docs/protocol.md, the contract: the socket's messages and events, the
// meeting, questions, results and the plenary view. Import them with
//   /** @import { Question, Results } from "./types.js" */

/** A text from the server: a string, or a map of language to string ({th, en}). */
/** @typedef {string | Record<string, string>} Text */

/**
 * @typedef {object} Session  a token kept for one app (session.js)
 * @property {string} token
 * @property {string} role  organiser, facilitator, participant, display or theme
 * @property {string} meeting
 * @property {number | null} [table]  a facilitator's or participant's table
 * @property {number | null} [seat]  a participant's seat
 * @property {string | null} [site]
 * @property {Text | null} [title]  the meeting's title, when the join answered it
 * @property {string} [language]
 */

/** @typedef {{id: string, label: Text}} Option */

/**
 * @typedef {object} Question
 * @property {string} id
 * @property {string} kind  one of the meeting's `kinds`
 * @property {Text} prompt
 * @property {Option[]} [options]
 * @property {"draft" | "open" | "closed"} [state]
 * @property {string} [pair_of]
 * @property {string | null} [iap2_level]
 * @property {Record<string, number>} [targets]  a demographic question's target shares
 * @property {string} [method]
 * @property {number} [min]  a scale's ends
 * @property {number} [max]
 * @property {Record<string, Text>} [labels]  a scale's values named
 * @property {number} [max_choices]  multiple
 * @property {number} [max_rank]  ranked
 * @property {number} [points]  points: the dots each voter has
 * @property {number} [budget]  budget: the money each voter has
 * @property {Record<string, number>} [costs]  budget: each option's cost
 * @property {string} [attribute]  demographic
 */

/** A question of a kind with options (every kind but scale; docs/protocol.md). */
/** @typedef {Question & {options: Option[]}} ChoiceQuestion */

/**
 * A ballot's answer (docs/protocol.md, "ballot"): an option id (single, demographic), ids
 * (multiple, budget; ranked in order), dots per option (points) or a value (scale).
 * @typedef {string | string[] | number | Record<string, number>} Answer
 */

/** @typedef {{id: string, name: Text, tables: number[]}} Site */

/**
 * @typedef {object} Meeting  GET /api/meetings/{m}, and the welcome's `state.meeting`
 * @property {string} id
 * @property {Text} title
 * @property {string} language
 * @property {string} [time_zone]
 * @property {{count: number, seats: number}} tables
 * @property {Site[]} [sites]
 * @property {string[]} [kinds]  the question kinds this server knows, in the order offered
 * @property {Record<string, string[]>} [methods]  each kind's counting methods, the live tally's first
 * @property {(Question & {state: string})[]} [questions]
 * @property {PlenaryView} [plenary]
 * @property {Codes} [codes]
 */

/**
 * @typedef {object} Codes  the join codes (admin and organiser only)
 * @property {string} [display]
 * @property {string} [theme]
 * @property {Record<string, string>} [tables]
 * @property {Record<string, Record<string, string>>} [seats]
 */

/**
 * @typedef {object} PlenaryView  what the plenary shows (PUT …/plenary, the `plenary` event)
 * @property {string} view  participation, question, compare, breakdown, ideas, themes, text
 * @property {string} [question]
 * @property {string} [pre]
 * @property {string} [post]
 * @property {string} [by]
 * @property {Text} [text]
 * @property {boolean} [reveal]  false: results hidden
 * @property {number} [seq]
 */

/** @typedef {{option: string, label: Text, score: number, share: number, rank: number}} RankRow */

/**
 * One question's results (the `results` event, GET …/results). Kinds add fields of their
 * own (`histogram` for scale, `funded` for budget, `rounds` for IRV…; docs/methods.md).
 * @typedef {ResultsFields & {[field: string]: any}} Results
 */

/**
 * @typedef {object} ResultsFields
 * @property {string} question
 * @property {string} kind
 * @property {string} [status]
 * @property {number} [voters]
 * @property {number} [eligible]
 * @property {number} [tables_reporting]
 * @property {number} [tables_total]
 * @property {number} [seq]
 * @property {string} [method]
 * @property {RankRow[]} [ranking]
 * @property {boolean} [hidden]
 * @property {Record<string, number>} [targets]
 * @property {Record<string, number>} [gaps]
 * @property {string} [site]
 * @property {Text} [site_name]
 * @property {Results} [all]
 */

/**
 * @typedef {object} Group  one group of a breakdown
 * @property {string} group
 * @property {Text} label
 * @property {number | null} voters
 * @property {Results} [results]
 * @property {boolean} [suppressed]
 */

/**
 * @typedef {object} Breakdown  GET …/results?by= (or every site's results, as one shape)
 * @property {string} question
 * @property {string} [by]
 * @property {Group[]} groups
 * @property {number} [min_group]
 * @property {number} not_grouped
 * @property {Results} [all]
 * @property {Results | null} [byResults]
 * @property {boolean} [sites]
 */

/** @typedef {{id: string, text: string, table: number, round?: string, site?: string, at?: number}} Idea  (site: the hall, in a meeting of several) */
/** @typedef {{id: string, label: Text, ideas: string[]}} Theme */

/**
 * @typedef {object} WelcomeState
 * @property {Meeting} meeting
 * @property {Question[]} questions
 * @property {PlenaryView} [plenary]
 * @property {Results[]} [results]
 * @property {Record<string, number[]>} [voted]
 * @property {Record<string, any>} [my_ballots]
 * @property {Idea[]} [ideas]
 * @property {Theme[]} [themes]
 */

/** @typedef {{type: "welcome", seq: number, state: WelcomeState}} Welcome */

/**
 * The server's events (docs/protocol.md, "Events"), tagged by `event`.
 * @typedef {{type: "event", seq: number} & (
 *   {event: "question_added" | "question_opened" | "question_closed" | "question_updated", question: Question} |
 *   {event: "plenary", view: PlenaryView} |
 *   {event: "results", results: Results} |
 *   {event: "idea", idea: Idea} |
 *   {event: "themes_changed", themes?: Theme[], deleted?: string[]} |
 *   {event: "themes", themes: Theme[]} |
 *   {event: "suggestions", ideas: Record<string, any>}
 * )} ServerEvent
 */

/**
 * @typedef {object} Ack
 * @property {"ack"} type
 * @property {string} id
 * @property {string} status  counted, replaced or duplicate
 * @property {string} [question]
 * @property {number} [seat]
 * @property {string} [receipt]
 * @property {string} [first]
 * @property {Idea} [idea]
 */

/** @typedef {{type: "error", code: string, message: string, id?: string}} ErrorMessage */

/**
 * @typedef {object} AuditRow  one question recounted from the ledger
 * @property {string} question
 * @property {boolean} match
 * @property {Record<string, any>} [live]
 * @property {Record<string, any>} [recount]
 * @property {number} [live_voters]
 * @property {number} [recount_voters]
 */

/**
 * @typedef {object} Audit  GET /api/meetings/{m}/audit
 * @property {string} meeting
 * @property {boolean} ok
 * @property {AuditRow[]} questions
 * @property {number} [ledger_entries]
 * @property {number} [ballots_in_ledger]
 * @property {string} [digest]
 */

/** A message the apps send (ballot, table_tally, idea, hello, ping). */
/** @typedef {{type: string, id?: string, [field: string]: any}} ClientMessage */

/** A field set at start, before any use (the JSDoc form of TypeScript's `!`). */
export const UNSET = /** @type {any} */ (null);
