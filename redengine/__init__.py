"""Red Engine Graph: the organisational knowledge graph of the Red Engine programme."""
