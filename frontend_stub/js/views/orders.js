// The customer's orders: the list, one order with its progress (PLACED -> SHIPPED -> DELIVERED, or CANCELLED),
// its short number and delivery address; cancelling while PLACED. The pieces (label, timeline, address, lines)
// are shared with the staff page (views/staff.js).
import { busy, errorBox, h, render, say, showError } from "../dom.js";
import { addressBlock, ctx, date, money, needSignIn } from "../shop.js";

// The steps an order goes through, in order, and how each reads.
export const STEPS = ["PLACED", "SHIPPED", "DELIVERED"];
const STEP_NAMES = { PLACED: "Placed", SHIPPED: "Shipped", DELIVERED: "Delivered", CANCELLED: "Cancelled" };

export function statusName(status) {
  return STEP_NAMES[status] || status;
}

// What customers see and say: the short number (BK-XXXX-XXXX); the id when an order comes without one.
export function orderLabel(order) {
  return order.number || order.order_id;
}

// The order's id as secondary text, when it has a number (the id stays in the URL).
export function orderReference(order) {
  return order.number ? h("p", { class: "muted order-id" }, "Reference ", h("code", {}, order.order_id)) : null;
}

// The first time each status was reached, from the history (or, without one, what the order itself says).
function reached(order) {
  const at = {};
  (order.history || []).forEach((change) => { if (change && change.status && !at[change.status]) at[change.status] = change.at || ""; });
  if (!("PLACED" in at)) at.PLACED = order.created_at || "";
  if (!(order.status in at)) at[order.status] = order.updated_at || "";
  return at;
}

// PLACED -> SHIPPED -> DELIVERED: each step done with its time, the current one aria-current="step", the later
// ones pending. A cancelled order: placed, then cancelled (its current step).
export function timeline(order, label) {
  const at = reached(order);
  const steps = order.status === "CANCELLED"
    ? ["PLACED", "CANCELLED"]
    : STEPS;
  const current = steps.includes(order.status) ? order.status : null;
  const currentIndex = current ? steps.indexOf(current) : -1;
  return h("ol", { class: `timeline${order.status === "CANCELLED" ? " cancelled" : ""}`, "aria-label": label },
    steps.map((status, index) => {
      const state = index < currentIndex ? "done" : index === currentIndex ? "current" : "pending";
      const when = state === "pending" ? "not yet" : date(at[status]);
      return h("li", { class: `step ${state} ${status}`, "aria-current": state === "current" ? "step" : null },
        h("span", { class: "step-mark", "aria-hidden": "true" }, state === "pending" ? "" : status === "CANCELLED" ? "×" : "✓"),
        h("span", { class: "step-name" }, statusName(status)),
        " ",
        h("span", { class: "step-when" }, when ? (state === "pending" ? `(${when})` : `· ${when}`) : ""));
    }));
}

// The delivery address, one line each, or nothing when the order has none.
export function deliveryAddress(order, headingLevel = "h3") {
  const address = order.delivery_address;
  if (!address) return null;
  return h("div", { class: "delivery" },
    h(headingLevel, {}, "Delivery address"),
    addressBlock(address, { class: "delivery-address address" }));
}

export function orderLines(order) {
  return h("ul", { class: "lines" }, (order.lines || []).map((line) => h("li", {},
    `${line.quantity} × `, h("a", { href: `#/books/${encodeURIComponent(line.book_id)}` }, line.title), ` · ${money(line.line_total_cents)}`)));
}

export function orderCard(order, { detailed = false, onChange } = {}) {
  const problem = errorBox();
  const label = orderLabel(order);
  const cancel = order.status === "PLACED"
    ? h("button", { type: "button", class: "danger", "aria-label": `Cancel order ${label}`, onclick: async (event) => {
      if (!window.confirm(`Cancel order ${label}? Its books go back on the shelf.`)) return;
      await busy(event.currentTarget, async () => {
        try {
          const updated = await ctx.api.cancelOrder(order.order_id);
          say(`Order ${label} cancelled.`);
          onChange && onChange(updated);
        } catch (error) {
          showError(problem, error);
        }
      });
    } }, "Cancel order")
    : null;
  const title = `Order ${label}`;
  return h("li", { class: "order", "data-order-id": order.order_id },
    h("header", {},
      h("h2", {}, detailed ? title : h("a", { href: `#/orders/${encodeURIComponent(order.order_id)}` }, title)),
      h("span", { class: `badge ${order.status}` }, order.status)),
    orderReference(order),
    h("p", { class: "muted" }, `Placed ${date(order.created_at)}`),
    orderLines(order),
    h("p", {}, "Total: ", h("strong", {}, money(order.total_cents))),
    detailed ? h("h3", {}, "Progress") : null,
    timeline(order, `Progress of order ${label}`),
    deliveryAddress(order),
    cancel ? h("div", { class: "actions" }, cancel) : null,
    problem);
}

export async function ordersView() {
  if (!ctx.auth.user()) return needSignIn("My orders", "Your orders are kept with your account.");
  const list = h("ul", { class: "orders", "aria-label": "My orders" });
  const problem = errorBox();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show more");
  render("My orders", problem, list, more);
  let cursor = null;
  async function load() {
    try {
      const data = await ctx.api.orders(cursor || undefined);
      data.items.forEach((order) => list.append(orderCard(order, { onChange: () => ctx.route() })));
      cursor = data.next_cursor;
      more.hidden = !cursor;
      if (!list.children.length) list.replaceWith(h("p", {}, "No orders yet. ", h("a", { href: "#/catalog" }, "Find a book"), "."));
    } catch (error) {
      showError(problem, error);
    }
  }
  more.addEventListener("click", () => busy(more, load));
  await load();
}

// A note for the page of an order just placed (e.g. the checkout could not save the address): shown once.
let orderNote = null;

export function leaveOrderNote(orderId, text) {
  orderNote = { orderId, text };
}

function takeOrderNote(orderId) {
  const note = orderNote && orderNote.orderId === orderId ? orderNote.text : "";
  if (note) orderNote = null;
  return note;
}

export async function orderView(id) {
  if (!ctx.auth.user()) return needSignIn("Order", "Sign in to follow your order.");
  const problem = errorBox();
  render("Order", h("p", { class: "muted" }, "Loading…"));
  try {
    const order = await ctx.api.order(id);
    const list = h("ul", { class: "orders", "aria-label": "Your order" }, orderCard(order, { detailed: true, onChange: () => ctx.route() }));
    const note = takeOrderNote(order.order_id);
    render("Your order", note ? h("p", { class: "warning", role: "status" }, note) : null, list,
      h("p", {}, h("a", { href: "#/orders" }, "All my orders")));
  } catch (error) {
    render(error.status === 404 ? "Order not found" : "Order", problem, h("p", {}, h("a", { href: "#/orders" }, "All my orders")));
    showError(problem, error);
  }
}
