// The delivery address form, shared by the checkout's address step (views/cart.js) and the account page
// (account.js): the fields {name, line1, line2?, city, postal_code, country}, their checks and messages, the
// country select (every code the API accepts, by name), and the server's per-field errors (a 400's
// `details[].location`, body.delivery_address.<field>) shown under the field they are about.
import { busy, describe, h } from "./dom.js";
import { countryName, countryOptions } from "./shop.js";

const POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{0,8}[A-Za-z0-9]$/;

// The server's rule for a line of an address (functions/bookstore/addresses.py, the pattern in docs/openapi.json),
// split so that each way to break it gets its own message: no C0/C1 control characters, DEL, line or paragraph
// separators (BREAK), nor bidirectional embeddings, overrides and isolates (DIRECTION); and something that shows,
// not only spaces and zero-width characters (BLANK). Checked on what is sent: the value without the spaces around it.
const BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const DIRECTION = /[\u202a-\u202e\u2066-\u2069]/u;
const ONLY_BLANK = /^[\s\u200b-\u200d\u2060\ufeff]*$/u;
const TEXT = /^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*[^\s\u200b-\u200d\u2060\ufeff\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069][^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/;

// Only spaces and invisible characters: nothing to send (an optional line is then left out).
const blank = (value) => ONLY_BLANK.test(value);

// The server counts characters in code points (an emoji is one), not in UTF-16 units as `value.length` does.
const characters = (value) => [...value].length;

function textRule(label, max, optional = false) {
  return (raw) => {
    const value = raw.trim();
    if (blank(value)) return optional ? "" : `Enter the ${label}.`;
    if (DIRECTION.test(value)) return `The ${label} can't contain text-direction control characters.`;
    if (BREAK.test(value)) return `The ${label} must be on one line.`;
    const count = characters(value);
    if (count > max) return `The ${label} can be at most ${max} characters (it has ${count}).`;
    if (!TEXT.test(value)) return `Check the ${label}.`; // not reached: the cases above are the whole rule
    return "";
  };
}

export const ADDRESS_FIELDS = [
  { name: "name", label: "Full name", autocomplete: "name", max: 100, check: textRule("full name", 100) },
  { name: "line1", label: "Address line 1", hint: "Street and number", autocomplete: "address-line1", max: 100, check: textRule("street and number", 100) },
  { name: "line2", label: "Address line 2 (optional)", hint: "Flat, building, care of", autocomplete: "address-line2", max: 100, check: textRule("second address line", 100, true) },
  { name: "city", label: "City", autocomplete: "address-level2", max: 64, check: textRule("city", 64) },
  { name: "postal_code", label: "Postal code", autocomplete: "postal-code", max: 10, check: (value) => {
    if (!value.trim()) return "Enter the postal code.";
    return POSTAL_CODE.test(value.trim()) ? "" : "A postal code is 2 to 10 letters, digits, spaces or hyphens.";
  } },
];

// All the codes the API accepts, by name (built once, on the first form).
let countries = null;

// A sentence for a server message about a field ("value error, a postal code is…" -> "A postal code is….").
function sentence(message) {
  const text = String(message || "").replace(/^value error,\s*/i, "").trim();
  if (!text) return "";
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

// Builds the form. Options:
//   values: the initial address (any field may be missing; the country defaults to US);
//   idPrefix: the ids are `${idPrefix}-<field>` (and `${idPrefix}-<field>-error`, `-hint`);
//   submitLabel: the submit button's text;
//   onSubmit(address): called with the checked address (trimmed; line2 only when given), the submit button busy
//     meanwhile; it may be async, and may call showServerErrors(error) when the server refuses the address;
//   extra: elements placed after the country (e.g. the checkout's "Save this address" checkbox);
//   actions: elements placed after the submit button (e.g. a "Cancel" button, a link back);
//   attributes: more attributes for the <form> (e.g. aria-labelledby).
// Returns { form, inputs, submit, showServerErrors(error) -> boolean, focusFirst() }.
export function addressForm({ values = {}, idPrefix = "addr", submitLabel = "Save the address", onSubmit, extra = [], actions = [], attributes = {} } = {}) {
  const inputs = {};
  const errors = {};
  const rows = ADDRESS_FIELDS.map((spec) => {
    const input = h("input", { id: `${idPrefix}-${spec.name}`, name: spec.name, autocomplete: spec.autocomplete, value: values[spec.name] || "", required: spec.name !== "line2" });
    const error = h("p", { class: "field-error", id: `${idPrefix}-${spec.name}-error` });
    inputs[spec.name] = input;
    errors[spec.name] = error;
    const hint = spec.hint ? h("p", { class: "hint", id: `${idPrefix}-${spec.name}-hint` }, spec.hint) : null;
    if (hint) describe(input, hint.id);
    describe(input, error.id);
    return h("div", {}, h("label", { for: input.id }, spec.label), input, hint, error);
  });
  const chosenCountry = values.country || "US";
  countries = countries || countryOptions();
  const known = countries.some(([code]) => code === chosenCountry);
  const country = h("select", { id: `${idPrefix}-country`, name: "country", autocomplete: "country" },
    known ? null : h("option", { value: chosenCountry, selected: true }, countryName(chosenCountry)),
    countries.map(([code, name]) => h("option", { value: code, selected: code === chosenCountry }, name)));
  const countryError = h("p", { class: "field-error", id: `${idPrefix}-country-error` });
  describe(country, countryError.id);
  inputs.country = country;
  errors.country = countryError;

  function mark(name, message) {
    errors[name].textContent = message;
    if (message) inputs[name].setAttribute("aria-invalid", "true");
    else inputs[name].removeAttribute("aria-invalid");
  }

  // Shows a 400's per-field errors under their fields and moves the focus to the first; false when none of its
  // details is about a field of the address (the caller then shows the error's message itself).
  function showServerErrors(error) {
    const found = {};
    for (const detail of (error && Array.isArray(error.details) ? error.details : [])) {
      const match = /^body\.delivery_address\.([a-z0-9_]+)/.exec(String(detail && detail.location));
      if (match && inputs[match[1]] && !found[match[1]]) found[match[1]] = sentence(detail.message) || "Check this field.";
    }
    const names = [...ADDRESS_FIELDS.map((spec) => spec.name), "country"];
    if (!names.some((name) => found[name])) return false;
    names.forEach((name) => mark(name, found[name] || ""));
    inputs[names.find((name) => found[name])].focus();
    return true;
  }

  const submit = h("button", { type: "submit" }, submitLabel);
  const form = h("form", { class: "stack address-form", novalidate: true, ...attributes, onsubmit: (event) => {
    event.preventDefault();
    if (submit.disabled) return undefined;
    let first = null;
    const address = {};
    for (const spec of ADDRESS_FIELDS) {
      const value = inputs[spec.name].value;
      const message = spec.check(value);
      mark(spec.name, message);
      if (message) first = first || inputs[spec.name];
      if (!blank(value.trim())) address[spec.name] = value.trim();
    }
    mark("country", "");
    if (first) {
      first.focus();
      return undefined;
    }
    address.country = country.value;
    return busy(submit, async () => onSubmit && onSubmit(address));
  } },
  ...rows,
  h("div", {}, h("label", { for: country.id }, "Country"), country, countryError),
  ...extra,
  h("div", { class: "actions" }, submit, ...actions));
  return { form, inputs, submit, showServerErrors, focusFirst: () => inputs.name.focus() };
}
