# The project's front door. Every target is a line in README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
FUNCTIONS := $(notdir $(patsubst %/main.go,%,$(wildcard functions/*/main.go)))
BUILD     := build
LAMBDA_FLAGS := -trimpath -buildvcs=false -ldflags "-s -w" -tags lambda.norpc
RIE       := $(BUILD)/tools/aws-lambda-rie
# The Lambda Runtime Interface Emulator is a program, not a library of this
# module: go install at its pinned version (local/lambdarie.Version) keeps its
# dependencies out of go.mod.
RIE_PKG   := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie
RIE_VERSION := $(shell sed -n 's/^[[:space:]]*Version = "\(.*\)"/\1/p' local/lambdarie/build.go)
CDK       := npx --no-install cdk

# jsii warns on every CDK synth that Node.js 20 is past its end of life.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: help build build-host test lint lint-templates run synth diff deploy bench clean tools node_modules check-policies check-moto

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## Build every function for Lambda (linux/arm64): build/lambda/<name>/bootstrap.
	@if [ -z "$(FUNCTIONS)" ]; then echo "build: no functions/*/main.go yet: nothing to build" >&2; exit 1; fi
	@for f in $(FUNCTIONS); do \
	  echo "build $(BUILD)/lambda/$$f/bootstrap (linux/arm64)"; \
	  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o $(BUILD)/lambda/$$f/bootstrap ./functions/$$f; \
	done

build-host: ## Build every function for this machine, for local runs: build/host/<name>/bootstrap.
	@if [ -z "$(FUNCTIONS)" ]; then echo "build-host: no functions/*/main.go yet: nothing to build" >&2; exit 1; fi
	@for f in $(FUNCTIONS); do \
	  echo "build $(BUILD)/host/$$f/bootstrap (host)"; \
	  CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o $(BUILD)/host/$$f/bootstrap ./functions/$$f; \
	done

tools: $(RIE) ## Build the Lambda Runtime Interface Emulator used by make run.

$(RIE): local/lambdarie/build.go
	GOBIN=$(abspath $(dir $@)) CGO_ENABLED=0 $(GO) install $(RIE_PKG)@$(RIE_VERSION)

test: node_modules ## Run every test: unit, emulator integration, contract suites, CDK assertions.
	$(GO) test -count=1 -timeout 30m ./...

lint: ## gofmt, go vet and staticcheck (pinned in go.mod's tool directive).
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './build/*')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

CFN_LINT ?= cfn-lint

# W3005 (a DependsOn already implied by a GetAtt) is CDK's own doing: every
# Lambda function depends on its role explicitly, so that the role's policy
# exists before the function is created, and also reads the role's ARN. The
# redundant DependsOn changes nothing at deploy; every other warning fails.
CDK_LINT_IGNORED := W3005

lint-templates: ## cfn-lint over examples/*.yaml and cdk.out/*.template.json when synthesized (errors and warnings fail; see CDK_LINT_IGNORED).
	@if ! command -v $(CFN_LINT) >/dev/null 2>&1; then \
	  echo "lint-templates: $(CFN_LINT) not found. It is a Python package: pip install 'cfn-lint==1.51.0' (or pipx install 'cfn-lint==1.51.0'), or set CFN_LINT=/path/to/cfn-lint" >&2; exit 1; fi
	$(CFN_LINT) --non-zero-exit-code warning examples/*.yaml
	@if compgen -G 'cdk.out/*.template.json' >/dev/null; then \
	  echo "$(CFN_LINT) --non-zero-exit-code warning --ignore-checks $(CDK_LINT_IGNORED) -- cdk.out/*.template.json"; \
	  $(CFN_LINT) --non-zero-exit-code warning --ignore-checks $(CDK_LINT_IGNORED) -- cdk.out/*.template.json; \
	else echo "lint-templates: no cdk.out/*.template.json (run make synth first to lint the CDK templates too)"; fi

run: build-host tools ## The main job: drive every resource through a CloudFormation lifecycle on the embedded local AWS.
	$(GO) run ./local/cmd/run -functions $(BUILD)/host -rie $(RIE)

node_modules: package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

synth: build node_modules ## Synthesize the CDK app (provider and example stacks) into cdk.out, with the built Lambda assets.
	$(CDK) synth --quiet -c example=true

check-policies: node_modules ## Check every policy (golden, generated, emulator's, and cdk.out's after make synth) against the IAM reference data.
	IAMREF_REQUIRE_SYNTH=true $(GO) test -count=1 ./local/iamref/

check-moto: ## Run the contract suites against moto (python3 -m pip install 'moto[server]==5.2.1').
	$(GO) test -count=1 ./local/moto/ ./local/oracle/
	$(GO) test -count=1 -run 'Moto$$' ./internal/...

diff: build node_modules ## Compare the CDK app with what is deployed (needs AWS credentials).
	$(CDK) diff

deploy: build node_modules ## Deploy the provider stack to a real account (needs credentials and cdk bootstrap).
	$(CDK) deploy --require-approval broadening

bench: ## Benchmarks: handler cost, AWS calls per action, cold start, size and memory per function.
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

clean: ## Remove build output and cdk.out.
	rm -rf $(BUILD) cdk.out
