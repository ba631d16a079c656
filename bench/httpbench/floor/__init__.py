"""A minimal Django project served beside the product: the floor and the logged-in ceilings.

It is what `django-admin startproject` gives (the same middleware, template context processors
and apps, plus Django REST framework), with four views:

- `/bare/`: a small JSON document, no session, no database. The floor every ratio is taken to.
- `/ceiling/json/`: the same document for a logged-in user (session and user loaded).
- `/ceiling/drf/`: a DRF `APIView` with session authentication.
- `/ceiling/page/`: a logged-in template page.

Sessions live in PostgreSQL, or in Redis with FLOOR_SESSIONS=redis.
"""
