"""Knowledge base: categories, articles in every locale with versions, search, import and export."""
