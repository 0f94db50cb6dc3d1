# incident-operator — run `make help` for the targets.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

K8S_VERSION ?= 1.37.2
ETCD_VERSION ?= 3.6.16
IMG ?= incident-operator:dev
GO ?= go
CONTROLLER_GEN := $(GO) tool controller-gen
# golangci-lint is pinned in its own module, so that its dependencies stay out of go.mod.
GOLANGCI_LINT := $(GO) tool -modfile=hack/tools/go.mod golangci-lint
# The control plane's binaries, built from source by hack/envtest-binaries.sh.
ENVTEST_DIR := $(CURDIR)/bin/k8s/$(K8S_VERSION)-$(shell $(GO) env GOOS)-$(shell $(GO) env GOARCH)

.PHONY: all
all: build

.PHONY: help
help: ## Show the targets.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*?##/ { gsub(/\$$\$$/, "$$", $$2); printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: ## Generate the CRDs and the manager's RBAC role from the markers.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd:allowDangerousTypes=false paths="./..." output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	$(GO) run ./hack/typedtimes config/crd/bases

.PHONY: generate
generate: ## Generate the DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: fmt
fmt: ## go fmt.
	$(GO) fmt ./...

.PHONY: vet
vet: ## go vet.
	$(GO) vet ./...

.PHONY: lint
lint: ## Lint and check formatting with golangci-lint (.golangci.yml).
	$(GOLANGCI_LINT) run ./...

.PHONY: verify
verify: ## Fail if `make manifests generate fmt` would change the tree.
	bash hack/verify.sh

.PHONY: envtest
envtest: ## Build kube-apiserver, kube-controller-manager, etcd and kubectl from source into bin/k8s (once).
	K8S_VERSION=$(K8S_VERSION) ETCD_VERSION=$(ETCD_VERSION) bash hack/envtest-binaries.sh >/dev/null

.PHONY: test
test: manifests generate envtest test-deps ## Run every test, with the race detector, against a real API server (envtest).
	KUBEBUILDER_ASSETS=$(ENVTEST_DIR) $(GO) test -race ./... -count=1 -timeout 30m

.PHONY: test-deps
test-deps: ## Install what the print and browser checks need (Chromium, a CJK font, poppler from Debian; axe-core from npm, pinned, into bin/test-deps), once.
	bash hack/test-deps.sh

.PHONY: test-unit
test-unit: ## Run the tests that need no API server (go test -short), in seconds.
	$(GO) test -short ./...

.PHONY: test-e2e
test-e2e: manifests generate envtest ## Play a whole drill with the real kubectl against the operator as its own process.
	KUBEBUILDER_ASSETS=$(ENVTEST_DIR) bash test/e2e/drill.sh

##@ Build and run

.PHONY: build
build: manifests generate ## Build the manager, the local command (bin/local-manager), the kubectl plugin and the loopback receiver.
	$(GO) build -o bin/manager ./cmd
	$(GO) build -o bin/local-manager ./cmd/local
	$(GO) build -o bin/kubectl-incident ./cmd/kubectl-incident
	$(GO) build -o bin/incident-receiver ./cmd/incident-receiver

.PHONY: run
run: manifests generate envtest ## Run the operator: against $$KUBECONFIG when set, else on an embedded local control plane.
	$(GO) build -o bin/kubectl-incident ./cmd/kubectl-incident
	$(GO) build -o bin/incident-receiver ./cmd/incident-receiver
	KUBEBUILDER_ASSETS=$(ENVTEST_DIR) $(GO) run ./cmd/local $(ARGS)

.PHONY: receiver
receiver: ## Run the loopback receiver (bin/incident-receiver): prints each report; on make run's cluster, points the channels at itself.
	$(GO) build -o bin/incident-receiver ./cmd/incident-receiver
	KUBECONFIG=$${KUBECONFIG:-$(CURDIR)/bin/local/kubeconfig} bin/incident-receiver $(ARGS)

.PHONY: install
install: manifests ## Install the CRDs into the cluster of $$KUBECONFIG.
	$(ENVTEST_DIR)/kubectl apply --server-side -k config/crd

.PHONY: deploy
deploy: manifests ## Deploy the operator into the cluster of $$KUBECONFIG.
	$(ENVTEST_DIR)/kubectl apply --server-side -k config/default

.PHONY: docker-build
docker-build: ## Build the container image (needs a Docker engine).
	docker build -t $(IMG) .

##@ Benchmark

.PHONY: bench
bench: manifests generate envtest ## Time the operator under a burst and at size against a bare client (≈20–25 min on 2 cores; not part of test). BENCH_ARGS=-h lists the knobs.
	KUBEBUILDER_ASSETS=$(ENVTEST_DIR) $(GO) run ./test/bench $(BENCH_ARGS)

##@ Image

.PHONY: image
image: ## Build the OCI image without a Docker daemon (buildah or podman) into bin/incident-operator.tar; go test ./test/image checks it.
	IMG=$(IMG) GO=$(GO) bash hack/image.sh
