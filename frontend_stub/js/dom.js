// Small DOM helpers the views share: elements built with text only (textContent, never HTML), labelled fields,
// the page's heading and focus, the status line, error boxes and busy buttons.

export const main = document.getElementById("main");
const statusBox = document.getElementById("status");

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "class") element.className = value;
    else element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// A label, the input, and an optional hint the input is described by (a string, or an element with its own id).
export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const parts = [h("label", { for: id }, label), input];
  if (hint) {
    const hintElement = hint instanceof Node ? hint : h("p", { class: "hint" }, hint);
    if (!hintElement.id) hintElement.id = `${id}-hint`;
    describe(input, hintElement.id);
    parts.push(hintElement);
  }
  return h("div", {}, ...parts);
}

// Adds an id to the element's aria-describedby (keeping the ones it has).
export function describe(element, id) {
  const ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  element.setAttribute("aria-describedby", ids.join(" "));
}

export function render(title, ...children) {
  document.title = `${title} · Bookstore`;
  // Like h(): null, undefined and false children are left out (replaceChildren would show them as text).
  main.replaceChildren(h("h1", {}, title), ...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  main.focus({ preventScroll: true });
}

export function say(message) {
  statusBox.textContent = message;
  if (message) setTimeout(() => { if (statusBox.textContent === message) statusBox.textContent = ""; }, 6000);
}

export function errorBox() {
  return h("p", { class: "error", role: "alert" });
}

export function showError(box, error) {
  box.textContent = error && error.message ? error.message : String(error);
}

export async function busy(button, work) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}
