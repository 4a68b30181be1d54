# The Red Engine Graph API. docker-compose.yml runs it against Neo4j (NEO4J_URI); without
# NEO4J_URI it uses the embedded FalkorDB engine with its data in REDENGINE_DATA_DIR.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY . .
RUN pip install . && useradd --create-home --uid 10001 redengine

USER redengine
WORKDIR /home/redengine
ENV REDENGINE_DATA_DIR=/home/redengine/data
EXPOSE 8000
CMD ["redengine", "serve", "--host", "0.0.0.0", "--port", "8000"]
