"""GraphQL types of the read side, one module per type; composed in `redengine.api.schema`."""
