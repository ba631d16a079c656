"""Benchmarks: each bench/<name>.py is a script that prints figures (`make bench` runs them all);
bench/httpbench/ holds the HTTP benchmark's parts."""
