// Staff only (the `staff` group): orders by status, and moving them on: PLACED -> SHIPPED (or CANCELLED, after
// a confirmation), SHIPPED -> DELIVERED. The API decides (GET /staff/orders, PUT /staff/orders/{id}/status); a
// 409 means the order moved meanwhile and is said so.
import { busy, errorBox, h, render, say, showError } from "../dom.js";
import { ctx, date, money, needSignIn } from "../shop.js";
import { deliveryAddress, orderLabel, orderLines, orderReference, statusName, timeline } from "./orders.js";

export const STATUSES = ["PLACED", "SHIPPED", "DELIVERED", "CANCELLED"];

// The moves staff can make from each status: [next status, button text].
const MOVES = {
  PLACED: [["SHIPPED", "Mark as shipped"], ["CANCELLED", "Cancel order"]],
  SHIPPED: [["DELIVERED", "Mark as delivered"]],
};

export function isStaff(user) {
  return Boolean(user && (user.groups || []).includes("staff"));
}

function moveError(order, status, error) {
  if (error.status === 409) {
    return new Error(`Order ${orderLabel(order)} could not become ${statusName(status).toLowerCase()}: ${error.message} `
      + "Someone may have moved it already; reload the list.");
  }
  if (error.status === 403) return new Error("Only bookstore staff can move orders; sign in with a staff account.");
  return error;
}

function staffOrderCard(order, onMoved) {
  const problem = errorBox();
  const label = orderLabel(order);
  const buttons = (MOVES[order.status] || []).map(([status, text]) => h("button", {
    type: "button",
    class: status === "CANCELLED" ? "danger" : null,
    "aria-label": `${text} ${label}`,
    onclick: async (event) => {
      if (status === "CANCELLED" && !window.confirm(`Cancel order ${label} of ${order.username}? Its books go back on the shelf.`)) return;
      problem.textContent = "";
      await busy(event.currentTarget, async () => {
        try {
          const updated = await ctx.api.moveOrder(order.order_id, status);
          say(`Order ${label} is now ${statusName(updated.status || status).toLowerCase()}.`);
          onMoved(updated);
        } catch (error) {
          showError(problem, moveError(order, status, error));
        }
      });
    },
  }, text));
  return h("li", { class: "order", "data-order-id": order.order_id },
    h("header", {},
      h("h2", {}, `Order ${label}`),
      h("span", { class: `badge ${order.status}` }, order.status)),
    orderReference(order),
    h("p", { class: "muted" }, `${order.username} · placed ${date(order.created_at)}`),
    orderLines(order),
    h("p", {}, "Total: ", h("strong", {}, money(order.total_cents))),
    timeline(order, `Progress of order ${label}`),
    deliveryAddress(order),
    buttons.length ? h("div", { class: "actions" }, buttons) : null,
    problem);
}

export async function staffOrdersView(params) {
  const user = ctx.auth.user();
  if (!user) return needSignIn("Staff: orders", "This page is for bookstore staff.");
  if (!isStaff(user)) {
    return render("Staff only",
      h("p", {}, `This page is for bookstore staff, and ${user.username} is not on the staff. `,
        h("a", { href: "#/orders" }, "Your own orders"), " are on My orders."));
  }
  const wanted = (params.get("status") || "PLACED").toUpperCase();
  const status = STATUSES.includes(wanted) ? wanted : "PLACED";
  const tabs = h("nav", { class: "status-tabs", "aria-label": "Order status" },
    h("ul", {}, STATUSES.map((each) => h("li", {}, h("a", {
      href: `#/staff/orders?status=${each}`,
      "aria-current": each === status ? "page" : null,
    }, statusName(each))))));
  const heading = h("h2", { id: "staff-orders-heading", tabindex: "-1" }, `${statusName(status)} orders`);
  const list = h("ul", { class: "orders", "aria-labelledby": "staff-orders-heading" });
  const empty = h("p", { class: "muted", hidden: true }, `No ${statusName(status).toLowerCase()} orders.`);
  const problem = errorBox();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show more");
  render("Staff: orders", tabs, heading, problem, list, empty, more);
  let cursor = null;

  function moved(item) {
    // The order left this status: out of the list; the focus goes to the next order's heading (or the list's).
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    empty.hidden = list.children.length > 0;
    const target = next ? next.querySelector("h2") : heading;
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  async function load() {
    problem.textContent = "";
    try {
      const data = await ctx.api.staffOrders(status, cursor || undefined);
      (data.items || []).forEach((order) => {
        const item = staffOrderCard(order, () => moved(item));
        list.append(item);
      });
      cursor = data.next_cursor || null;
      more.hidden = !cursor;
      empty.hidden = list.children.length > 0;
    } catch (error) {
      showError(problem, error.status === 403 ? new Error("Only bookstore staff can see this list.") : error);
    }
  }
  more.addEventListener("click", () => busy(more, load));
  await load();
}
