# Multi-stage build: a static binary on a minimal base, run as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/lyceum ./cmd/lyceum \
 && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/lyceum-load ./cmd/lyceum-load \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lyceum /out/lyceum-load /usr/local/bin/
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV LYCEUM_ADDR=0.0.0.0:8080 \
    LYCEUM_ADMIN_ADDR=0.0.0.0:9090 \
    LYCEUM_DATA_DIR=/data \
    LYCEUM_LOG_FORMAT=json
EXPOSE 8080 9090
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/lyceum"]
CMD ["serve"]
