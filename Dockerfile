# orgpreflight as a container image: built on Debian 12, run on Debian 12 slim with only the libraries the
# binary links against, as a non-root user.
#   docker build -t orgpreflight .
#   docker run --rm -v "$PWD:/work" orgpreflight audit --evidence bundle.json --config orgpreflight.json
FROM debian:12 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake pkg-config \
      libcurl4-openssl-dev libssl-dev libjansson-dev libexpat1-dev libc-ares-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
 && cmake --build /build -j"$(nproc)" \
 && DESTDIR=/out cmake --install /build

FROM debian:12-slim
# the shared libraries orgpreflight and liborgpreflight link against, and the CA certificates TLS verifies with
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libc-ares2 libcurl4 libexpat1 libjansson4 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /work --create-home orgpreflight
COPY --from=build /out/usr/ /usr/
RUN ldconfig
USER 10001
WORKDIR /work
ENTRYPOINT ["orgpreflight"]
CMD ["--help"]
