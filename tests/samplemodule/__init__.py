"""A tiny portal module used only by the tests to prove the registry's on/off switch."""
