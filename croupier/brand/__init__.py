"""Casino brands and their channels."""
