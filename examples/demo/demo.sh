#!/usr/bin/env bash
# Runs the demo configuration in this folder against a local EC2 (moto):
# starts moto on a free loopback port, applies with the freshly built
# provider through dev_overrides, shows the copies, destroys them, and stops
# moto, even when a step fails. Usage: demo.sh BIN_DIR
set -euo pipefail

bin_dir=${1:?usage: demo.sh BIN_DIR (the folder holding terraform-provider-amicopy)}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
moto_pid=""

cleanup() {
  status=$?
  if [ -f "$work/terraform.tfstate" ] && [ -n "$moto_pid" ]; then
    echo "==> Making sure nothing is left behind"
    (cd "$work" && terraform destroy -auto-approve -no-color >/dev/null 2>&1) || true
  fi
  if [ -n "$moto_pid" ]; then
    echo "==> Stopping moto (pid $moto_pid)"
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
echo "==> Starting moto (a local EC2) on 127.0.0.1:$port"
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then break; fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then echo "moto_server exited:"; cat "$work/moto.log"; exit 1; fi
  sleep 0.2
done

cat >"$work/dev.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/amicopy/amicopy" = "$bin_dir"
  }
  direct {}
}
TFRC
cp "$here/main.tf" "$work/"

export TF_CLI_CONFIG_FILE="$work/dev.tfrc"
export CHECKPOINT_DISABLE=1
export AWS_ENDPOINT_URL_EC2="http://127.0.0.1:$port"
export AWS_ENDPOINT_URL_KMS="http://127.0.0.1:$port"
export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-west-2
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_EC2_METADATA_DISABLED=true

cd "$work"
echo "==> terraform apply (the local build, through dev_overrides; no init needed)"
terraform apply -auto-approve -no-color
echo "==> The copies"
terraform output -no-color copies
terraform output -no-color snapshots
echo "==> terraform plan (expect no changes)"
terraform plan -no-color -detailed-exitcode
echo "==> terraform destroy"
terraform output -json copies >copies.json
terraform destroy -auto-approve -no-color
rm -f terraform.tfstate
echo "==> Asking the local EC2 whether anything is left"
python3 - "$AWS_ENDPOINT_URL_EC2" copies.json <<'PY'
import json, sys
import boto3
endpoint, copies = sys.argv[1], json.load(open(sys.argv[2]))
left = 0
for region, image_id in sorted(copies.items()):
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    images = ec2.describe_images(Filters=[{"Name": "image-id", "Values": [image_id]}])["Images"]
    snapshots = ec2.describe_snapshots(OwnerIds=["self"], Filters=[{"Name": "description", "Values": ["*" + image_id + "*"]}])["Snapshots"]
    print(f"  {region}: {image_id}: {len(images)} image(s), {len(snapshots)} snapshot(s) left")
    left += len(images) + len(snapshots)
sys.exit(1 if left else 0)
PY
echo "==> Demo finished: copies made, shown and destroyed."
