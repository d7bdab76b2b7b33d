// The customer's orders: the list, one order with its progress, cancelling while PLACED.
import { busy, errorBox, h, render, say, showError } from "../dom.js";
import { ctx, date, money, needSignIn } from "../shop.js";

export function orderCard(order, { detailed = false, onChange } = {}) {
  const problem = errorBox();
  const cancel = order.status === "PLACED"
    ? h("button", { type: "button", class: "danger", onclick: async (event) => {
      if (!window.confirm(`Cancel order ${order.order_id}? Its books go back on the shelf.`)) return;
      await busy(event.currentTarget, async () => {
        try {
          const updated = await ctx.api.cancelOrder(order.order_id);
          say(`Order ${order.order_id} cancelled.`);
          onChange && onChange(updated);
        } catch (error) {
          showError(problem, error);
        }
      });
    } }, "Cancel order")
    : null;
  return h("li", { class: "order", "data-order-id": order.order_id },
    h("header", {},
      h("h2", {}, detailed ? `Order ${order.order_id}` : h("a", { href: `#/orders/${order.order_id}` }, `Order ${order.order_id}`)),
      h("span", { class: `badge ${order.status}` }, order.status)),
    h("p", { class: "muted" }, `Placed ${date(order.created_at)}`),
    h("ul", {}, order.lines.map((line) => h("li", {}, `${line.quantity} × `, h("a", { href: `#/books/${encodeURIComponent(line.book_id)}` }, line.title), ` · ${money(line.line_total_cents)}`))),
    h("p", {}, "Total: ", h("strong", {}, money(order.total_cents))),
    detailed && order.history && order.history.length
      ? h("div", {}, h("h3", {}, "Progress"), h("ol", { class: "timeline" }, order.history.map((step) => h("li", {}, `${step.status} · ${date(step.at)}`))))
      : null,
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

export async function orderView(id) {
  if (!ctx.auth.user()) return needSignIn("Order", "Sign in to follow your order.");
  const problem = errorBox();
  render("Order", h("p", { class: "muted" }, "Loading…"));
  try {
    const order = await ctx.api.order(id);
    const list = h("ul", { class: "orders" }, orderCard(order, { detailed: true, onChange: () => ctx.route() }));
    render("Your order", list, h("p", {}, h("a", { href: "#/orders" }, "All my orders")));
  } catch (error) {
    render(error.status === 404 ? "Order not found" : "Order", problem, h("p", {}, h("a", { href: "#/orders" }, "All my orders")));
    showError(problem, error);
  }
}

