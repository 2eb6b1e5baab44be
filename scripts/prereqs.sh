#!/usr/bin/env bash
# Checks the tools a make target needs, with their versions, and says how to
# get each one that is missing. Usage: prereqs.sh unit|test|demo
#   unit  make testunit: Go (go.mod's version) and a C compiler (-race needs cgo)
#   test  make test, testacc, bench, local-ec2: unit's, Terraform and moto
#   demo  make demo: test's, curl, and boto3 in the python3 on PATH
set -uo pipefail

what=${1:?usage: prereqs.sh unit|test|demo}
root=$(cd "$(dirname "$0")/.." && pwd)
terraform_min=1.8 # the migration tests run a cross-type moved block
moto_min=5

# at_least A B: A >= B, comparing dotted versions.
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

found=()
missing=()
miss() { missing+=("missing: $*"); }

go_min=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$root/go.mod")
if ! command -v go >/dev/null; then
  miss "Go $go_min or later (go.mod): https://go.dev/dl/"
else
  go_have=$(go env GOVERSION | sed 's/^go//')
  found+=("Go $go_have")
  if ! at_least "$go_have" "$go_min"; then
    if [ "$(go env GOTOOLCHAIN)" = local ]; then
      miss "Go $go_min or later (go.mod); found $go_have with GOTOOLCHAIN=local: install Go from https://go.dev/dl/, or unset GOTOOLCHAIN so Go fetches $go_min itself"
    else
      echo "note: Go $go_have will fetch go$go_min on first use, as go.mod asks (GOTOOLCHAIN=$(go env GOTOOLCHAIN))"
    fi
  fi
  # go test -race needs cgo, and cgo needs a C compiler.
  cc=$(go env CC)
  if ! command -v "${cc%% *}" >/dev/null; then
    miss "a C compiler ($cc): go test -race needs cgo. Debian/Ubuntu: apt-get install gcc; Fedora: dnf install gcc; macOS: xcode-select --install"
  elif [ "${CGO_ENABLED:-}" = 0 ]; then
    miss "cgo: CGO_ENABLED=0 is set, and go test -race needs cgo: unset CGO_ENABLED"
  else
    found+=("C compiler $cc")
  fi
fi

if [ "$what" = test ] || [ "$what" = demo ]; then
  if ! command -v terraform >/dev/null; then
    miss "Terraform $terraform_min or later: https://developer.hashicorp.com/terraform/install"
  else
    tf_have=$(terraform version 2>/dev/null | sed -n '1s/^Terraform v\([0-9.]*\).*/\1/p')
    at_least "${tf_have:-0}" "$terraform_min" && found+=("Terraform $tf_have") ||
      miss "Terraform $terraform_min or later; found ${tf_have:-an unknown version}: https://developer.hashicorp.com/terraform/install"
  fi

  venv_hint="pip install 'moto[server]>=$moto_min'; where pip refuses (externally-managed-environment), use a virtual environment in this folder, which make puts first on PATH: python3 -m venv .venv && .venv/bin/pip install 'moto[server]>=$moto_min' (Debian/Ubuntu may need apt-get install python3-venv first)"
  if ! command -v moto_server >/dev/null; then
    miss "moto_server, moto $moto_min or later (the local EC2 the tests and the demo start): $venv_hint"
  else
    # The python that runs moto_server: its shebang's, or python3 for a
    # wrapper such as a pyenv shim.
    moto_py=$(head -1 "$(command -v moto_server)" | sed -n 's/^#! *\([^ ]*python[^ ]*\).*/\1/p')
    moto_have=$("${moto_py:-python3}" -c 'import moto; print(moto.__version__)' 2>/dev/null)
    if [ -z "$moto_have" ]; then
      miss "moto $moto_min or later: moto_server is on PATH, but ${moto_py:-python3} cannot import moto: $venv_hint"
    elif ! at_least "$moto_have" "$moto_min"; then
      miss "moto $moto_min or later; found $moto_have: $venv_hint"
    else
      found+=("moto $moto_have")
    fi
  fi
fi

if [ "$what" = demo ]; then
  command -v curl >/dev/null && found+=(curl) ||
    miss "curl (the demo waits for moto with it): Debian/Ubuntu: apt-get install curl"
  if ! command -v python3 >/dev/null; then
    miss "python3 with boto3 (the demo asks the local EC2 what is left with it): install moto as above, which brings boto3"
  elif ! python3 -c 'import boto3' 2>/dev/null; then
    miss "boto3 in $(command -v python3) (the demo asks the local EC2 what is left with it): it comes with moto; install moto into the python3 on PATH, or into .venv as above"
  else
    found+=(boto3)
  fi
fi

if [ "${#found[@]}" -gt 0 ]; then
  (IFS=,; echo "found: ${found[*]}" | sed 's/,/, /g')
fi
if [ "${#missing[@]}" -gt 0 ]; then
  printf '%s\n' "${missing[@]}"
  echo "Install what is missing above, then run make again."
  exit 1
fi
