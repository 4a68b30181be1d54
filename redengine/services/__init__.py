"""Services between the engines and the edges: what the API, the loaders, the analyses and the CLI
all call to read and write the graph (access rules, the audit log, …)."""
