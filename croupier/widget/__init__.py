"""The player chat widget: a dependency-free script and stylesheet."""
