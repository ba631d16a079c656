"""The HTTP benchmark behind bench/http_bench.py: data, sessions, servers and the load runs."""
