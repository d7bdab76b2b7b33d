// The bookstore REST API (docs/api.md): JSON in and out, the Cognito ID token as Authorization.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class Api {
  constructor(config, auth) {
    this.base = config.apiUrl.endsWith("/") ? config.apiUrl : config.apiUrl + "/";
    this.auth = auth;
  }

  async request(method, path, { body, query, signedIn = false, headers = {} } = {}) {
    const url = new URL(path.replace(/^\//, ""), this.base);
    Object.entries(query || {}).forEach(([key, value]) => {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
    });
    const sendHeaders = { Accept: "application/json", ...headers };
    if (body !== undefined) sendHeaders["Content-Type"] = "application/json";
    if (signedIn) {
      const token = await this.auth.idToken();
      if (!token) throw new ApiError(401, "Unauthenticated", "Sign in to continue.");
      sendHeaders.Authorization = token;
    }
    let response;
    try {
      response = await fetch(url, { method, headers: sendHeaders, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "NetworkError", "Cannot reach the shop right now; check your connection and try again.");
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      if (response.status === 401 && signedIn) this.auth.signOut();
      const message =
        (data && (data.message || data.Message)) ||
        (response.status === 429 ? "Too many requests; wait a moment and try again." : `The shop answered ${response.status}.`);
      throw new ApiError(response.status, (data && data.error) || String(response.status), message, data && data.details);
    }
    return data;
  }

  genres() { return this.request("GET", "genres"); }
  books(query) { return this.request("GET", "books", { query }); }
  book(id) { return this.request("GET", `books/${encodeURIComponent(id)}`); }
  similar(id) { return this.request("GET", `books/${encodeURIComponent(id)}/similar`, { query: { limit: 6 } }); }
  recommendations() { return this.request("GET", "recommendations", { signedIn: true, query: { limit: 12 } }); }
  orders(cursor) { return this.request("GET", "orders", { signedIn: true, query: { cursor, limit: 20 } }); }
  order(id) { return this.request("GET", `orders/${encodeURIComponent(id)}`, { signedIn: true }); }
  home() { return this.request("GET", "home"); }
  // The signed-in customer's profile (GET /me), with delivery_address when one is saved.
  me() { return this.request("GET", "me", { signedIn: true }); }
  // Saves the address as where the next orders go (the checkout's and the chat's); null forgets it.
  saveDeliveryAddress(address) { return this.request("PATCH", "me", { signedIn: true, body: { delivery_address: address } }); }
  // One order of all the lines; deliveryAddress {name, line1, line2?, city, postal_code, country} when given.
  placeOrder(lines, key, deliveryAddress) {
    const body = deliveryAddress ? { lines, delivery_address: deliveryAddress } : { lines };
    return this.request("POST", "orders", { signedIn: true, body, headers: { "Idempotency-Key": key } });
  }
  cancelOrder(id) { return this.request("POST", `orders/${encodeURIComponent(id)}/cancel`, { signedIn: true }); }
  chat(text) { return this.request("POST", "chat", { signedIn: true, body: { text } }); }
  resetChat() { return this.request("DELETE", "chat", { signedIn: true }); }
  // Staff only (the `staff` group): orders in one status, newest first; moving an order to its next status.
  staffOrders(status, cursor) { return this.request("GET", "staff/orders", { signedIn: true, query: { status, cursor, limit: 20 } }); }
  moveOrder(id, status) { return this.request("PUT", `staff/orders/${encodeURIComponent(id)}/status`, { signedIn: true, body: { status } }); }
}
