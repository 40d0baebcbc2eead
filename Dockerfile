# The scout command in a container: `docker compose up --scale worker=4` runs workers of a
# crawl shared through the compose file's Redis (see README, "Crawling on many machines").
FROM python:3.11-slim
WORKDIR /src
COPY . /src
RUN pip install --no-cache-dir . && useradd --create-home scout
USER scout
WORKDIR /home/scout
ENTRYPOINT ["scout"]
CMD ["--help"]
