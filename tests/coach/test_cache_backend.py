"""The shared Redis cache builds one Redis client per pool, not one per operation, and still
reads, writes and counts as Django's own does."""

import os
from typing import Any

import pytest
import redis

from coach.cache import RedisCache
from tests.conftest import require


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    require(url.startswith("redis"), "needs CELERY_BROKER_URL=redis://… (run by .ci/run)")
    return url.rsplit("/", 1)[0] + "/11"


def test_many_operations_build_one_client(redis_url: str, monkeypatch: Any) -> None:
    built = []
    original = redis.Redis.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    redis_cache = RedisCache(redis_url, {"KEY_PREFIX": "cache-backend-test"})
    redis_cache.clear()

    redis_cache.set("plan", {"day": 3}, 60)
    redis_cache.set_many({"a": 1, "b": 2}, 60)
    assert redis_cache.get("plan") == {"day": 3}
    assert redis_cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert redis_cache.add("count", 1, 60) is True
    assert redis_cache.incr("count") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None

    assert len(built) == 1
    redis_cache.clear()
