// What every view shares: the API and the signed-in user (set once by app.js), money and dates, the sign-in
// prompt, and the book pieces (cover, card).
import { addToCart, cartCount } from "./cart.js";
import { h, render, say } from "./dom.js";

export const ctx = { api: null, auth: null, route: async () => {} };

export function money(cents) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
}

export function date(iso) {
  if (!iso) return "";
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : value.toLocaleString();
}

export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// Every ISO 3166-1 alpha-2 code the API accepts (functions/bookstore/addresses.py, _ISO_3166_1_ALPHA_2).
export const COUNTRY_CODES = `
  AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
  CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
  FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
  JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
  MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
  PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
  TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
`.trim().split(/\s+/);

let regionNames = null;

// The English name of a region code ("DE" -> "Germany"); the code itself when it has no name (or no Intl), "" for none.
export function countryName(code) {
  if (code === null || code === undefined || code === "") return "";
  const text = String(code);
  try {
    regionNames = regionNames || new Intl.DisplayNames(["en"], { type: "region" });
    return regionNames.of(text.toUpperCase()) || text;
  } catch {
    return text;
  }
}

// [code, name] for every code, sorted by name (for a country <select>).
export function countryOptions() {
  const collator = new Intl.Collator("en");
  return COUNTRY_CODES.map((code) => [code, countryName(code)]).sort((a, b) => collator.compare(a[1], b[1]));
}

// A delivery address {name, line1, line2?, city, postal_code, country} as an <address>, one line each.
export function addressBlock(address, attributes = {}) {
  const lines = [address.name, address.line1, address.line2, [address.city, address.postal_code].filter(Boolean).join(" "),
    address.country ? countryName(address.country) : ""].filter(Boolean);
  return h("address", { class: "delivery-address", ...attributes }, lines.map((text) => h("span", {}, text)));
}

export function needSignIn(title, reason) {
  const next = location.hash || "#/catalog";
  render(title, h("p", {}, reason, " ", h("a", { href: `#/signin?next=${encodeURIComponent(next)}` }, "Sign in"), " or ",
    h("a", { href: "#/signup" }, "create an account"), "."));
}

export function cover(book, size = "") {
  if (book.image_url) {
    return h("img", { class: `cover ${size}`, src: book.image_url, alt: `Cover of ${book.title}`, loading: "lazy" });
  }
  return h("div", { class: `cover cover-placeholder ${size}`, role: "img", "aria-label": `Cover of ${book.title}` }, book.title);
}

// What a shopper needs to know about stock: "In stock", "Only N left" (under 5), "Out of stock".
export const LOW_STOCK = 5;
export function stockState(book) {
  if (!(book.stock > 0)) return "Out of stock";
  return book.stock < LOW_STOCK ? `Only ${book.stock} left` : "In stock";
}

// Adds copies to the cart and says so in the status line (aria-live); the message, or "" when nothing was added.
export function addAndSay(book, quantity = 1) {
  const outcome = addToCart(book.book_id, quantity);
  if (!outcome.ok) {
    say(outcome.message);
    return "";
  }
  const count = cartCount();
  const message = `Added ${quantity} × ${book.title} to your cart (${count} ${count === 1 ? "item" : "items"}).${outcome.message ? " " + outcome.message : ""}`;
  say(message);
  return message;
}

// The card's "Add to cart" button: visible text "Add to cart"; its name starts with that and says the title.
export function addToCartButton(book) {
  if (!(book.stock > 0)) return null;
  return h("button", { type: "button", class: "secondary small add-to-cart", "data-book-id": book.book_id,
    "aria-label": `Add to cart, ${book.title}`, onclick: () => addAndSay(book, 1) }, "Add to cart");
}

export function bookCard(book, reason) {
  return h("li", { class: "card" },
    cover(book),
    h("div", {},
      h("h3", {}, h("a", { href: `#/books/${encodeURIComponent(book.book_id)}` }, book.title)),
      h("p", {}, book.author, book.year ? ` · ${book.year}` : ""),
      h("p", {}, h("span", { class: "price" }, money(book.price_cents)), " · ", h("span", { class: book.stock > 0 ? "stock" : "stock out" }, stockState(book))),
      reason ? h("p", { class: "reason" }, reason) : null,
      addToCartButton(book)));
}
