"""The HTTP benchmark mixes log writes into Today's requests in the same share at both sizes."""

import pytest

from bench.httpbench.servers import Line
from bench.httpbench.targets import mix


@pytest.mark.parametrize("readers", [3, 100])
def test_writes_are_a_tenth_of_todays_requests_for_three_clients_and_for_a_hundred(
    readers: int,
) -> None:
    reads = [Line(f"/me/?as={n}") for n in range(readers)]
    writes = [Line("/api/v1/logs/", method="POST", body=f"{n}") for n in range(readers)]

    mixed = mix(reads, writes, 0.1)

    posted = [line for line in mixed if line.method == "POST"]
    assert len(posted) * 10 == len(mixed)
    # every reader is still asked for, and the writes rotate over the writers
    assert {line.path for line in mixed if line.method == "GET"} == {line.path for line in reads}
    assert len({line.body for line in posted}) == min(len(posted), readers)
