"""Support access ("view as") in the tenant admin: hooks, pages and notices."""
