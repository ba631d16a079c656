FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/lock.txt
COPY . .
RUN DEBUG=true python manage.py collectstatic --no-input \
    && useradd --system --home /app coach && mkdir -p /app/var && chown -R coach /app/var
USER coach
EXPOSE 8000
CMD ["gunicorn", "coach.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
