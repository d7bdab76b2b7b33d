"""The REST API: one function for the catalog, orders, profile and staff routes; one for chat."""
