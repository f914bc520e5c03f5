"""Portal modules. Each subpackage is one Django app that declares itself once in module.py
through `modules.registry.register`; the platform finds modules only through the registry."""
