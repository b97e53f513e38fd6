"""The service layer: each service runs one use case over the ports in `ports.py`, with the rules from
`shared.domain`. No service knows which database is behind the port."""
