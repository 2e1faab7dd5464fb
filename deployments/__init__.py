"""How tdkt-flow is started: the `tdkt` command for people, and Prefect deployments for ops."""
