"""The owner's deletion request in the tenant admin: hooks, pages and notices."""
