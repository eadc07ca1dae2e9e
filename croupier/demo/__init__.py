"""The demo: seed data and a sample casino page that embeds the widget."""
