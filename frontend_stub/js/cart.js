// The cart: kept in this browser's localStorage, one cart per signed-in username and one for the anonymous
// visitor; at sign-in the visitor's cart is merged into the user's (docs/decisions.md, "The cart lives in the
// browser, merged at sign-in"). Lines are only {book_id, quantity}: prices, titles and stock always come from
// the server when the cart is shown.
//
// Other modules use: addToCart, cartLines, setQuantity, removeFromCart, subtractFromCart, clearCart, cartCount,
// onCartChange.
// app.js calls setCartOwner(username | null) when the signed-in user changes.
//
// The API's limits (functions/bookstore/orders.py): MAX_QUANTITY per line, MAX_ORDER_LINES lines per order.

export const MAX_QUANTITY = 50;
export const MAX_LINES = 20;

const PREFIX = "bookstore.cart.v1";
const ANONYMOUS = `${PREFIX}.anonymous`;
const listeners = [];
let owner = null; // the signed-in username, or null for the anonymous visitor

function keyFor(username) {
  return username ? `${PREFIX}.user.${username}` : ANONYMOUS;
}

function clampQuantity(value) {
  const number = Math.floor(Number(value));
  if (!Number.isFinite(number)) return 0;
  return Math.max(0, Math.min(MAX_QUANTITY, number));
}

// Whatever is stored, read back as at most MAX_LINES valid lines with one line per book.
function read(key) {
  let raw;
  try {
    raw = JSON.parse(localStorage.getItem(key) || "[]");
  } catch {
    raw = [];
  }
  const lines = [];
  for (const line of Array.isArray(raw) ? raw : []) {
    if (!line || typeof line.book_id !== "string" || !line.book_id) continue;
    const quantity = clampQuantity(line.quantity);
    if (quantity < 1 || lines.some((kept) => kept.book_id === line.book_id)) continue;
    if (lines.length >= MAX_LINES) break;
    lines.push({ book_id: line.book_id, quantity });
  }
  return lines;
}

function write(key, lines) {
  try {
    if (lines.length) localStorage.setItem(key, JSON.stringify(lines));
    else localStorage.removeItem(key);
  } catch {
    // Storage full or disabled (private mode): the cart lasts as long as the page.
  }
}

function changed() {
  const lines = cartLines();
  listeners.forEach((listener) => {
    try {
      listener(lines);
    } catch (error) {
      console.error(error);
    }
  });
}

function update(change) {
  const key = keyFor(owner);
  const lines = read(key);
  const result = change(lines);
  write(key, lines);
  changed();
  return result;
}

// Merges `from` into `into`: quantities added (at most MAX_QUANTITY a book), new books appended while there
// are fewer than MAX_LINES lines. Returns how many books did not fit.
function merge(into, from) {
  let dropped = 0;
  for (const line of from) {
    const existing = into.find((kept) => kept.book_id === line.book_id);
    if (existing) existing.quantity = Math.min(MAX_QUANTITY, existing.quantity + line.quantity);
    else if (into.length < MAX_LINES) into.push({ ...line });
    else dropped += 1;
  }
  return dropped;
}

/** Whose cart is in use: a username (signed in) or null. Signing in merges the visitor's cart into the user's
 * and empties the visitor's; signing out leaves the user's cart stored for their next sign-in. Returns
 * { merged: number of visitor lines merged, dropped: lines that did not fit }. */
export function setCartOwner(username) {
  const next = username || null;
  if (next === owner) return { merged: 0, dropped: 0 };
  owner = next;
  let outcome = { merged: 0, dropped: 0 };
  if (owner) {
    const visitor = read(ANONYMOUS);
    if (visitor.length) {
      const lines = read(keyFor(owner));
      const dropped = merge(lines, visitor);
      write(keyFor(owner), lines);
      write(ANONYMOUS, []);
      outcome = { merged: visitor.length - dropped, dropped };
    }
  }
  changed();
  return outcome;
}

/** Adds `quantity` copies (at most MAX_QUANTITY of one book in all). Returns { ok, quantity, message }:
 * ok is false when nothing was added (the cart has MAX_LINES books, or that book is at MAX_QUANTITY already). */
export function addToCart(bookId, quantity = 1) {
  const wanted = clampQuantity(quantity);
  if (!bookId || wanted < 1) return { ok: false, quantity: 0, message: "Choose a quantity from 1 to 50." };
  return update((lines) => {
    const existing = lines.find((line) => line.book_id === bookId);
    if (existing) {
      if (existing.quantity >= MAX_QUANTITY) {
        return { ok: false, quantity: existing.quantity, message: `Your cart already has ${MAX_QUANTITY} copies of this book, the most one order can have.` };
      }
      const before = existing.quantity;
      existing.quantity = Math.min(MAX_QUANTITY, before + wanted);
      const capped = existing.quantity - before < wanted;
      return { ok: true, quantity: existing.quantity, message: capped ? `Your cart now has ${MAX_QUANTITY} copies, the most one order can have.` : "" };
    }
    if (lines.length >= MAX_LINES) {
      return { ok: false, quantity: 0, message: `Your cart is full: an order can have ${MAX_LINES} different books.` };
    }
    lines.push({ book_id: bookId, quantity: wanted });
    return { ok: true, quantity: wanted, message: "" };
  });
}

/** The lines, [{ book_id, quantity }], in the order they were added. */
export function cartLines() {
  return read(keyFor(owner));
}

/** Sets a line's quantity (clamped to 1..MAX_QUANTITY; 0 or less removes the line). Unknown books are ignored. */
export function setQuantity(bookId, quantity) {
  const wanted = clampQuantity(quantity);
  update((lines) => {
    const index = lines.findIndex((line) => line.book_id === bookId);
    if (index < 0) return;
    if (wanted < 1) lines.splice(index, 1);
    else lines[index].quantity = wanted;
  });
}

export function removeFromCart(bookId) {
  update((lines) => {
    const index = lines.findIndex((line) => line.book_id === bookId);
    if (index >= 0) lines.splice(index, 1);
  });
}

/** Takes off what was ordered, [{ book_id, quantity }]: only those copies, so copies added meanwhile (in another
 * tab) stay in the cart; a line left with no copies is removed. One change, one notice to the listeners. */
export function subtractFromCart(lines) {
  update((kept) => {
    for (const ordered of lines || []) {
      const index = kept.findIndex((line) => line.book_id === ordered.book_id);
      if (index < 0) continue;
      const left = kept[index].quantity - clampQuantity(ordered.quantity);
      if (left > 0) kept[index].quantity = left;
      else kept.splice(index, 1);
    }
  });
}

export function clearCart() {
  update((lines) => { lines.length = 0; });
}

/** The number of copies in the cart (what the navigation shows). */
export function cartCount() {
  return cartLines().reduce((sum, line) => sum + line.quantity, 0);
}

/** Calls back with the lines after every change, in this tab or another one. */
export function onCartChange(callback) {
  listeners.push(callback);
}

// Another tab changed this cart: follow it.
window.addEventListener("storage", (event) => {
  if (event.key === null || event.key === keyFor(owner)) changed();
});
