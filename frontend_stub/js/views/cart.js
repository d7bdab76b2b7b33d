// The cart (#/cart) and the checkout (#/checkout: the delivery address, then #/checkout/review: the last look
// and "Place order"). Titles, prices and stock always come from the server (GET /books/{id} per line); the
// cart itself only holds {book_id, quantity} (cart.js).
import { cartLines, MAX_QUANTITY, removeFromCart, setQuantity, subtractFromCart } from "../cart.js";
import { busy, describe, errorBox, h, render, say, showError } from "../dom.js";
import { addressForm } from "../address_form.js";
import { addressBlock, cover, ctx, money, needSignIn, newKey } from "../shop.js";
import { leaveOrderNote } from "./orders.js";

// The address typed in this visit, kept between the two checkout steps (not in the browser's storage):
// { username, address, save }, `save` being whether to keep it on the profile (PATCH /me) once the order is
// placed. It belongs to the user who typed it: cleared on sign-out, and never shown to anyone else.
let draft = null;

// Drops the draft unless `user` typed it; app.js calls it whenever who is signed in changes.
export function forgetDraftUnlessOwnedBy(user) {
  if (draft && (!user || draft.username !== user.username)) draft = null;
}

// The draft of the signed-in user, or null.
function currentDraft() {
  forgetDraftUnlessOwnedBy(ctx.auth && ctx.auth.user());
  return draft;
}

// Each cart line with its book from the server: { book_id, quantity, book, problem }; `problem` (a sentence)
// marks a line that cannot be ordered as it is, and is left out of the checkout.
async function loadLines() {
  const lines = cartLines();
  const answers = await Promise.allSettled(lines.map((line) => ctx.api.book(line.book_id)));
  return lines.map((line, index) => {
    const answer = answers[index];
    if (answer.status === "rejected") {
      const gone = answer.reason && answer.reason.status === 404;
      return { ...line, book: null, problem: gone ? "This book is no longer sold." : "This book could not be loaded right now; try again." };
    }
    const book = answer.value;
    let problem = "";
    if (!(book.stock > 0)) problem = "Out of stock.";
    else if (book.stock < line.quantity) problem = `Only ${book.stock} left: lower the quantity to order it.`;
    return { ...line, book, problem };
  });
}

const orderable = (lines) => lines.filter((line) => line.book && !line.problem);
const subtotal = (lines) => orderable(lines).reduce((sum, line) => sum + line.book.price_cents * line.quantity, 0);

function emptyCart() {
  return h("p", {}, "Your cart is empty. ", h("a", { href: "#/" }, "Find a book"), ".");
}

// ---------------------------------------------------------------------------------------------------------
// The cart

export async function cartView() {
  const loading = h("p", { class: "muted" }, "Loading your cart…");
  render("Your cart", loading);
  if (!cartLines().length) {
    loading.replaceWith(emptyCart());
    return;
  }
  const lines = await loadLines();
  const list = h("ul", { class: "cart-lines", "aria-label": "Books in your cart" });
  const total = h("p", { class: "subtotal", "aria-live": "polite" });
  const note = h("p", { class: "muted" });
  const checkout = h("div", { class: "actions" });

  function refresh() {
    const ready = orderable(lines);
    const copies = ready.reduce((sum, line) => sum + line.quantity, 0);
    total.replaceChildren(`Subtotal (${copies} ${copies === 1 ? "item" : "items"}): `, h("strong", {}, money(subtotal(lines))));
    const left = lines.length - ready.length;
    note.textContent = left ? `${left} ${left === 1 ? "book is" : "books are"} marked above and left out of the checkout.` : "";
    if (!ctx.auth.user()) {
      checkout.replaceChildren(h("p", {}, h("a", { href: `#/signin?next=${encodeURIComponent("#/cart")}` }, "Sign in to check out"),
        " (your cart is kept) or ", h("a", { href: "#/signup" }, "create an account"), "."));
    } else if (ready.length) {
      checkout.replaceChildren(h("a", { class: "button", href: "#/checkout" }, "Checkout"));
    } else {
      checkout.replaceChildren(h("p", {}, "Nothing in your cart can be ordered right now."));
    }
  }

  function lineItem(line) {
    const title = line.book ? line.book.title : line.book_id;
    const problem = h("p", { class: "field-error line-problem" }, line.problem);
    const lineTotal = h("span", { class: "line-total" });
    const quantity = h("input", { id: `q-${line.book_id}`, type: "number", min: "1", max: String(MAX_QUANTITY), value: String(line.quantity), inputmode: "numeric", class: "quantity", "aria-label": `Quantity of ${title}` });
    const quantityError = h("p", { class: "field-error", id: `q-error-${line.book_id}` });
    describe(quantity, quantityError.id);
    const showTotal = () => {
      lineTotal.textContent = line.book ? money(line.book.price_cents * line.quantity) : "";
    };
    quantity.addEventListener("change", () => {
      const wanted = Number(quantity.value);
      if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_QUANTITY) {
        quantityError.textContent = `Choose a quantity from 1 to ${MAX_QUANTITY}.`;
        quantity.setAttribute("aria-invalid", "true");
        return;
      }
      quantityError.textContent = "";
      quantity.removeAttribute("aria-invalid");
      line.quantity = wanted;
      setQuantity(line.book_id, wanted);
      if (line.book) {
        line.problem = !(line.book.stock > 0) ? "Out of stock."
          : line.book.stock < wanted ? `Only ${line.book.stock} left: lower the quantity to order it.` : "";
      }
      problem.textContent = line.problem;
      showTotal();
      refresh();
    });
    const item = h("li", { class: line.problem ? "cart-line flagged" : "cart-line", "data-book-id": line.book_id });
    const remove = h("button", { type: "button", class: "secondary small", onclick: () => {
      removeFromCart(line.book_id);
      lines.splice(lines.indexOf(line), 1);
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      say(`Removed ${title} from your cart.`);
      if (!lines.length) {
        list.replaceWith(emptyCart());
        total.remove();
        note.remove();
        checkout.remove();
        document.getElementById("main").focus();
        return;
      }
      refresh();
      const focusable = next && next.querySelector("input, button");
      if (focusable) focusable.focus();
    } }, "Remove");
    remove.setAttribute("aria-label", `Remove ${title}`);
    showTotal();
    item.append(
      line.book ? cover(line.book, "small") : null,
      h("div", { class: "cart-line-body" },
        h("h2", { class: "cart-line-title" }, line.book ? h("a", { href: `#/books/${encodeURIComponent(line.book_id)}` }, title) : title),
        line.book ? h("p", {}, h("span", { class: "unit-price" }, money(line.book.price_cents)), " each") : null,
        problem,
        h("div", { class: "cart-line-controls" },
          h("div", {}, h("label", { for: `q-${line.book_id}` }, "Quantity"), quantity),
          h("p", { class: "line-total-wrap" }, h("span", { class: "sr-only" }, "Line total: "), lineTotal),
          remove),
        quantityError));
    return item;
  }

  lines.forEach((line) => list.append(lineItem(line)));
  refresh();
  loading.replaceWith(list);
  list.after(total, note, checkout);
}

// ---------------------------------------------------------------------------------------------------------
// Checkout: the address

// The customer's saved address (GET /me), or null when none is saved or the profile cannot be read now.
async function savedAddress() {
  try {
    const me = await ctx.api.me();
    return (me && me.delivery_address) || null;
  } catch {
    return null;
  }
}

const SAVE_LABEL = "Save this address for my next orders and for ordering by chat";

async function addressStep() {
  const user = ctx.auth.user() || {};
  const draft = currentDraft();
  let saved = null;
  if (!draft) {
    const loading = h("p", { class: "muted" }, "Loading your address…");
    render("Checkout", loading);
    saved = await savedAddress();
    if (!loading.isConnected) return; // the customer went to another page meanwhile
  }
  const values = (draft && draft.address) || saved || { name: [user.givenName, user.familyName].filter(Boolean).join(" "), country: "US" };
  const save = h("input", { id: "addr-save", name: "save", type: "checkbox", checked: draft ? draft.save : true });
  const saveHint = h("p", { class: "hint", id: "addr-save-hint" },
    "Your next checkout starts from it, and the chat orders to it. You can forget it on your account page.");
  describe(save, saveHint.id);
  const { form } = addressForm({
    values,
    idPrefix: "addr",
    submitLabel: "Continue to review",
    attributes: { "aria-labelledby": "address-heading" },
    extra: [h("div", { class: "check" }, save, h("label", { for: save.id }, SAVE_LABEL), saveHint)],
    actions: [h("a", { class: "button-link", href: "#/cart" }, "Back to the cart")],
    onSubmit: (address) => {
      const owner = ctx.auth.user();
      if (!owner) return; // signed out meanwhile: nothing is kept
      setDraft({ username: owner.username, address, save: save.checked });
      location.hash = "#/checkout/review";
    },
  });
  render("Checkout", h("p", { class: "steps-line" }, "Step 1 of 2: delivery address"),
    h("h2", { id: "address-heading" }, "Where should we send your books?"),
    saved ? h("p", { class: "muted saved-address-note" }, "Your saved address is filled in; change it for this order if you like.") : null,
    form);
}

// ---------------------------------------------------------------------------------------------------------
// Checkout: the review and the order

function setDraft(value) {
  draft = value;
}

async function reviewStep(draft) {
  const { address, save } = draft;
  render("Review your order", h("p", { class: "muted" }, "Loading your cart…"));
  const lines = await loadLines();
  const ready = orderable(lines);
  if (!ready.length) {
    render("Review your order", h("p", {}, "Nothing in your cart can be ordered right now. ", h("a", { href: "#/cart" }, "Back to the cart"), "."));
    return;
  }
  const left = lines.length - ready.length;
  const problem = errorBox();
  const key = newKey(); // one key for this review: retries of "Place order" here can never order twice
  const place = h("button", { type: "button", class: "place-order", onclick: () => busy(place, async () => {
    const user = ctx.auth.user();
    if (!user || user.username !== draft.username) {
      // Someone else is signed in now (another tab): never order to the address they did not type.
      setDraft(null);
      location.hash = "#/checkout";
      return;
    }
    place.textContent = "Placing order…";
    problem.textContent = "";
    try {
      const ordered = ready.map((line) => ({ book_id: line.book_id, quantity: line.quantity }));
      const order = await ctx.api.placeOrder(ordered, key, address);
      // Take off only what was ordered: copies added meanwhile (another tab) stay in the cart.
      subtractFromCart(ordered);
      setDraft(null);
      say(`Thank you! Order ${order.number || order.order_id} is placed: ${money(order.total_cents)}.`);
      if (save) {
        // Best effort: the order is placed whatever happens here; the order page says if the address was not kept.
        place.textContent = "Saving your address…";
        try {
          await ctx.api.saveDeliveryAddress(address);
        } catch (error) {
          leaveOrderNote(order.order_id,
            `Your order is placed, but your address could not be saved for next time (${error.message || "the shop did not answer"}). You can give it again at your next checkout.`);
        }
      }
      location.hash = `#/orders/${encodeURIComponent(order.order_id)}`;
    } catch (error) {
      const hint = error.status === 409 ? " Your cart is kept: check it and try again."
        : error.status === 400 ? " Your cart is kept: check the address and the cart." : " Your cart is kept.";
      problem.replaceChildren(`${error.message || "The order could not be placed."}${hint} `,
        h("a", { href: "#/cart" }, "Back to the cart"), " · ", h("a", { href: "#/checkout" }, "Edit the address"));
      problem.focus();
    }
  }) }, "Place order");
  problem.setAttribute("tabindex", "-1");
  render("Review your order",
    h("p", { class: "steps-line" }, "Step 2 of 2: check and place your order"),
    h("section", { "aria-labelledby": "review-books" },
      h("h2", { id: "review-books" }, "Books"),
      h("ul", { class: "review-lines" }, ready.map((line) => h("li", {},
        `${line.quantity} × `, h("a", { href: `#/books/${encodeURIComponent(line.book_id)}` }, line.book.title),
        ` at ${money(line.book.price_cents)}: `, h("strong", {}, money(line.book.price_cents * line.quantity))))),
      left ? h("p", { class: "muted" }, `${left} ${left === 1 ? "book" : "books"} in your cart cannot be ordered now and ${left === 1 ? "is" : "are"} left out.`) : null,
      h("p", { class: "subtotal" }, "Total: ", h("strong", {}, money(subtotal(lines)))),
      h("p", {}, h("a", { href: "#/cart" }, "Change the cart"))),
    h("section", { "aria-labelledby": "review-address" },
      h("h2", { id: "review-address" }, "Delivery address"),
      addressBlock(address),
      h("p", { class: "muted" }, save ? "Saved for your next orders and for ordering by chat once the order is placed."
        : "Used for this order only."),
      h("p", {}, h("a", { href: "#/checkout" }, "Change the address"))),
    problem,
    h("div", { class: "actions" }, place));
}

export async function checkoutView(step) {
  if (!ctx.auth.user()) return needSignIn("Checkout", "Sign in to check out; your cart is kept.");
  if (!cartLines().length) return render("Checkout", emptyCart());
  const draft = currentDraft();
  if (step === "review" && draft) return reviewStep(draft);
  if (step === "review") {
    location.replace("#/checkout"); // no address yet (e.g. after a reload): its step first
    return undefined;
  }
  return addressStep();
}
