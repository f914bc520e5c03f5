"""Sample tickets for the demo portal (being built: see the tickets issue)."""


def tickets_demo_content(*, home) -> None:
    return None
