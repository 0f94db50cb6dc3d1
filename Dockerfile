# The manager's image for a Docker engine (make docker-build): the binary is
# built here in golang, static and non-root, on distroless. Without a Docker
# daemon, `make image` builds the same image shape with buildah or podman
# from a binary built outside (Dockerfile.prebuilt, hack/image.sh).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api/ api/
COPY cmd/ cmd/
COPY controllers/ controllers/
COPY internal/ internal/
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /manager ./cmd

FROM gcr.io/distroless/static:nonroot
COPY --from=build /manager /manager
USER 65532:65532
ENTRYPOINT ["/manager"]
