package awsprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// motoPublicAMI is a public image moto ships in every Region.
const motoPublicAMI = "ami-03cf127a"

// testRegion is the Region every test configuration uses.
const testRegion = "us-east-1"

// v5Attributes are the aws_ami_copy attributes of the AWS provider v5
// (internal/service/ec2/ec2_ami_copy.go), id included as SDKv2 adds it.
var v5Attributes = []string{
	"architecture", "arn", "boot_mode", "deprecation_time", "description", "destination_outpost_arn",
	"ena_support", "encrypted", "hypervisor", "id", "image_location", "image_owner_alias", "image_type",
	"imds_support", "kernel_id", "kms_key_id", "manage_ebs_snapshots", "name", "owner_id", "platform",
	"platform_details", "public", "ramdisk_id", "root_device_name", "root_snapshot_id", "source_ami_id",
	"source_ami_region", "sriov_net_support", "tags", "tags_all", "tpm_support", "usage_operation",
	"virtualization_type",
}

// v6Attributes adds what the AWS provider v6 has on top of v5.
var v6Attributes = append(slices.Clone(v5Attributes), "last_launched_time", "region", "uefi_data")

// sharedBuilds holds one build per shape for the whole test binary, because
// linking the stand-in is the slowest step of these tests.
var sharedBuilds = struct {
	sync.Mutex
	dirs map[Shape]string
}{dirs: map[Shape]string{}}

// TestMain removes the shared builds after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range sharedBuilds.dirs {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}

// sharedBuild returns a directory holding the stand-in with the given default
// shape, building it on first use.
func sharedBuild(t *testing.T, shape Shape) string {
	t.Helper()

	sharedBuilds.Lock()
	defer sharedBuilds.Unlock()

	if dir, ok := sharedBuilds.dirs[shape]; ok {
		return dir
	}
	dir, err := os.MkdirTemp("", "awsprovider-"+string(shape)+"-") //nolint:usetesting // Shared by all tests; TestMain removes it.
	if err != nil {
		t.Fatal(err)
	}
	if _, err := BuildInto(t.Context(), dir, shape); err != nil {
		_ = os.RemoveAll(dir)
		t.Fatal(err)
	}
	sharedBuilds.dirs[shape] = dir
	return dir
}

// TestBuild checks that Build leaves an executable terraform-provider-aws in
// the directory it returns, which is what dev_overrides needs.
func TestBuild(t *testing.T) {
	dir := Build(t)
	info, err := os.Stat(filepath.Join(dir, BinaryName))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode()&0o111 == 0 {
		t.Errorf("%s is not executable: %v", info.Name(), info.Mode())
	}
}

// TestSchemaShapes checks, through Terraform itself, that each shape serves
// exactly the real provider's attributes and blocks at schema version 0, and
// that SchemaEnv overrides the shape baked into the binary.
func TestSchemaShapes(t *testing.T) {
	requireTools(t, "terraform")

	v6Dir := sharedBuild(t, ShapeV6)
	v5Dir := sharedBuild(t, ShapeV5)

	tests := []struct {
		name       string
		binaryDir  string
		env        string
		attributes []string
	}{
		{name: "v6 default", binaryDir: v6Dir, attributes: v6Attributes},
		{name: "v5 baked in", binaryDir: v5Dir, attributes: v5Attributes},
		{name: "v5 from environment", binaryDir: v6Dir, env: "v5", attributes: v5Attributes},
		{name: "v6 from environment", binaryDir: v5Dir, env: "v6", attributes: v6Attributes},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tf := newTerraform(t, tt.binaryDir, tt.env)
			tf.writeConfig(t, `
resource "aws_ami_copy" "x" {
  name              = "schema"
  source_ami_id     = "ami-00000000"
  source_ami_region = "us-east-1"
}
`)
			out := tf.mustRun(t, "providers", "schema", "-json")

			var schemas struct {
				ProviderSchemas map[string]struct {
					ResourceSchemas map[string]struct {
						Version int64 `json:"version"`
						Block   struct {
							Attributes map[string]json.RawMessage `json:"attributes"`
							BlockTypes map[string]struct {
								NestingMode string `json:"nesting_mode"`
							} `json:"block_types"`
						} `json:"block"`
					} `json:"resource_schemas"`
				} `json:"provider_schemas"`
			}
			if err := json.Unmarshal(out, &schemas); err != nil {
				t.Fatalf("decoding providers schema: %v\n%s", err, out)
			}

			resource, ok := schemas.ProviderSchemas[ProviderAddress].ResourceSchemas["aws_ami_copy"]
			if !ok {
				t.Fatalf("no aws_ami_copy schema under %s in:\n%s", ProviderAddress, out)
			}
			if resource.Version != 0 {
				t.Errorf("schema version = %d, want 0", resource.Version)
			}

			got := mapKeys(resource.Block.Attributes)
			want := slices.Sorted(slices.Values(tt.attributes))
			if !slices.Equal(got, want) {
				t.Errorf("attributes:\n got %v\nwant %v", got, want)
			}

			wantBlocks := map[string]string{"ebs_block_device": "set", "ephemeral_block_device": "set", "timeouts": "single"}
			for name, nesting := range wantBlocks {
				if block, ok := resource.Block.BlockTypes[name]; !ok || block.NestingMode != nesting {
					t.Errorf("block %s = %+v (present %t), want nesting %s", name, block, ok, nesting)
				}
			}
			if len(resource.Block.BlockTypes) != len(wantBlocks) {
				t.Errorf("blocks = %v, want %v", mapKeys(resource.Block.BlockTypes), wantBlocks)
			}
		})
	}
}

// TestAMICopyAgainstMoto runs the real terraform apply, show, plan and
// destroy of aws_ami_copy against moto, for each shape, and checks the state
// the way a moved-block test will consume it.
func TestAMICopyAgainstMoto(t *testing.T) {
	requireTools(t, "terraform", "moto_server")

	endpoint := startMoto(t)
	v6Dir := sharedBuild(t, ShapeV6)
	v5Dir := sharedBuild(t, ShapeV5)

	tests := []struct {
		name      string
		binaryDir string
		// wantRegion is the region attribute in state, or "" when the
		// shape has none.
		wantRegion string
	}{
		{name: "v6", binaryDir: v6Dir, wantRegion: testRegion},
		{name: "v5", binaryDir: v5Dir},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tf := newTerraform(t, tt.binaryDir, "")
			name := "standin-" + tt.name
			tf.writeConfig(t, providerConfig(endpoint)+fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  name              = %q
  description       = "copied by the stand-in"
  source_ami_id     = %q
  source_ami_region = %q

  tags = {
    Purpose = "moved-block-test"
  }
}
`, name, motoPublicAMI, testRegion))

			tf.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")

			resource := tf.showResource(t, "aws_ami_copy.x")
			if resource.ProviderName != ProviderAddress {
				t.Errorf("provider_name = %q, want %q", resource.ProviderName, ProviderAddress)
			}
			if resource.SchemaVersion != 0 {
				t.Errorf("schema_version = %d, want 0", resource.SchemaVersion)
			}

			values := resource.Values
			id, _ := values["id"].(string)
			if !strings.HasPrefix(id, "ami-") || id == motoPublicAMI {
				t.Fatalf("id = %q, want a new ami- ID", id)
			}

			wantValues := map[string]any{
				"source_ami_id":        motoPublicAMI,
				"source_ami_region":    testRegion,
				"name":                 name,
				"description":          "copied by the stand-in",
				"arn":                  fmt.Sprintf("arn:aws:ec2:%s::image/%s", testRegion, id),
				"encrypted":            false,
				"manage_ebs_snapshots": true,
				"tags":                 map[string]any{"Purpose": "moved-block-test"},
				"tags_all":             map[string]any{"Purpose": "moved-block-test"},
				"kms_key_id":           nil,
				"timeouts":             nil,
			}
			for key, want := range wantValues {
				if got := values[key]; !jsonEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", key, got, want)
				}
			}

			region, hasRegion := values["region"]
			switch {
			case tt.wantRegion == "" && hasRegion:
				t.Errorf("region = %#v, want no region attribute in the v5 shape", region)
			case tt.wantRegion != "" && region != tt.wantRegion:
				t.Errorf("region = %#v, want %q", region, tt.wantRegion)
			}

			devices, _ := values["ebs_block_device"].([]any)
			if len(devices) == 0 {
				t.Fatalf("ebs_block_device is empty; want the copy's block device mappings")
			}
			device, _ := devices[0].(map[string]any)
			snapshotID, _ := device["snapshot_id"].(string)
			if !strings.HasPrefix(snapshotID, "snap-") {
				t.Errorf("ebs_block_device[0].snapshot_id = %q, want a snap- ID", snapshotID)
			}

			// The image really exists in EC2, with the tags.
			conn := testClient(t, endpoint)
			image, err := findImageByID(t.Context(), conn, id)
			if err != nil {
				t.Fatalf("finding the copy in EC2: %v", err)
			}
			if got := tagsFromEC2(image.Tags)["Purpose"]; got != "moved-block-test" {
				t.Errorf("EC2 tag Purpose = %q, want moved-block-test", got)
			}

			// A second plan is empty: the Optional+Computed blocks and the
			// computed values the provider filled in cause no drift.
			if code := tf.planExitCode(t, ""); code != 0 {
				t.Errorf("plan after apply exited %d, want 0 (no changes)", code)
			}

			if tt.name == "v5" {
				// Upgrading the provider to v6 over v5 state is no change
				// either: the refresh fills in region.
				v6 := newTerraformIn(t, tf.dir, v6Dir, "")
				if code := v6.planExitCode(t, ""); code != 0 {
					t.Errorf("plan with the v6 shape over v5 state exited %d, want 0 (no changes)", code)
				}
			}

			tf.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")

			if _, err := findImageByID(t.Context(), conn, id); !isNotFound(err) {
				t.Errorf("after destroy, finding %s returned %v; want not found", id, err)
			}
		})
	}

	t.Run("AWS_ENDPOINT_URL_EC2", func(t *testing.T) {
		t.Setenv("AWS_ENDPOINT_URL_EC2", endpoint)
		clients, err := newClientFactory(t.Context(), clientSettings{
			accessKey: "testing", secretKey: "testing", region: testRegion, skipMetadataAPI: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := findImageByID(t.Context(), clients.EC2(""), motoPublicAMI); err != nil {
			t.Fatalf("DescribeImages through AWS_ENDPOINT_URL_EC2: %v", err)
		}
	})

	t.Run("updates in place and replaces on ForceNew", func(t *testing.T) {
		tf := newTerraform(t, v6Dir, "")
		config := func(name, description, tag string) string {
			return strings.Replace(providerConfig(endpoint), "  endpoints {",
				"  default_tags {\n    tags = { Env = \"test\" }\n  }\n\n  endpoints {", 1) + fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  name              = %q
  description       = %q
  source_ami_id     = %q
  source_ami_region = %q
  tags              = { Owner = %q }
}
`, name, description, motoPublicAMI, testRegion, tag)
		}

		steps := []struct {
			name, imageName, description, tag string
			wantPlan                          string
			wantNewID                         bool
		}{
			{name: "create", imageName: "standin-update", description: "one", tag: "a", wantPlan: "1 to add, 0 to change, 0 to destroy", wantNewID: true},
			// moto ignores ModifyImageAttribute's Description, so only the
			// tags change in place here.
			{name: "tags", imageName: "standin-update", description: "one", tag: "b", wantPlan: "0 to add, 1 to change, 0 to destroy"},
			{name: "name forces replacement", imageName: "standin-renamed", description: "two", tag: "b", wantPlan: "1 to add, 0 to change, 1 to destroy", wantNewID: true},
		}

		conn := testClient(t, endpoint)
		var previousID string
		for _, step := range steps {
			tf.writeConfig(t, config(step.imageName, step.description, step.tag))
			plan := tf.mustRun(t, "plan", "-input=false", "-no-color")
			if !strings.Contains(string(plan), step.wantPlan) {
				t.Fatalf("%s: plan does not say %q:\n%s", step.name, step.wantPlan, plan)
			}
			tf.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")

			values := tf.showResource(t, "aws_ami_copy.x").Values
			id, _ := values["id"].(string)
			if (id != previousID) != step.wantNewID {
				t.Errorf("%s: id went from %q to %q; want new ID %t", step.name, previousID, id, step.wantNewID)
			}
			previousID = id

			wantTagsAll := map[string]any{"Env": "test", "Owner": step.tag}
			if !jsonEqual(values["tags_all"], wantTagsAll) || !jsonEqual(values["tags"], map[string]any{"Owner": step.tag}) {
				t.Errorf("%s: tags = %v, tags_all = %v; want Owner=%s plus default Env=test in tags_all only",
					step.name, values["tags"], values["tags_all"], step.tag)
			}

			image, err := findImageByID(t.Context(), conn, id)
			if err != nil {
				t.Fatalf("%s: finding %s: %v", step.name, id, err)
			}
			if got := aws.ToString(image.Description); got != step.description {
				t.Errorf("%s: EC2 description = %q, want %q", step.name, got, step.description)
			}
			if got := tagsFromEC2(image.Tags); !jsonEqual(got, map[string]string{"Env": "test", "Owner": step.tag}) {
				t.Errorf("%s: EC2 tags = %v", step.name, got)
			}
		}

		tf.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
	})

	t.Run("Read removes a deregistered image", func(t *testing.T) {
		tf := newTerraform(t, v6Dir, "")
		tf.writeConfig(t, providerConfig(endpoint)+fmt.Sprintf(`
resource "aws_ami_copy" "x" {
  name              = "standin-disappears"
  source_ami_id     = %q
  source_ami_region = %q
}
`, motoPublicAMI, testRegion))
		tf.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
		id, _ := tf.showResource(t, "aws_ami_copy.x").Values["id"].(string)

		conn := testClient(t, endpoint)
		if _, err := conn.DeregisterImage(t.Context(), &ec2.DeregisterImageInput{ImageId: aws.String(id)}); err != nil {
			t.Fatalf("deregistering %s behind Terraform's back: %v", id, err)
		}

		if code := tf.planExitCode(t, "-refresh-only"); code != 2 {
			t.Errorf("refresh-only plan exited %d, want 2 (the image is gone)", code)
		}
		// Destroy of a vanished image succeeds.
		tf.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
	})
}

// TestSDKPrivateState checks the private state matches what SDKv2 writes for
// aws_ami_copy's default timeouts.
func TestSDKPrivateState(t *testing.T) {
	var got map[string]any
	if err := json.Unmarshal(sdkPrivateState(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0": map[string]any{
			"create": float64(2400000000000), "update": float64(2400000000000), "delete": float64(5400000000000),
		},
		"schema_version": "0",
	}
	if !jsonEqual(got, want) {
		t.Errorf("private state = %v, want %v", got, want)
	}
}

func TestParseShape(t *testing.T) {
	tests := []struct {
		in      string
		want    Shape
		wantErr bool
	}{
		{in: "v5", want: ShapeV5},
		{in: "5", want: ShapeV5},
		{in: "v6", want: ShapeV6},
		{in: "6", want: ShapeV6},
		{in: "", wantErr: true},
		{in: "v4", wantErr: true},
		{in: "V6", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseShape(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseShape(%q) = %q, %v; want %q, error %t", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestImageARN(t *testing.T) {
	tests := []struct {
		region string
		want   string
	}{
		{region: "us-east-1", want: "arn:aws:ec2:us-east-1::image/ami-1"},
		{region: "eu-west-3", want: "arn:aws:ec2:eu-west-3::image/ami-1"},
		{region: "cn-north-1", want: "arn:aws-cn:ec2:cn-north-1::image/ami-1"},
		{region: "us-gov-west-1", want: "arn:aws-us-gov:ec2:us-gov-west-1::image/ami-1"},
		{region: "us-iso-east-1", want: "arn:aws-iso:ec2:us-iso-east-1::image/ami-1"},
		{region: "us-isob-east-1", want: "arn:aws-iso-b:ec2:us-isob-east-1::image/ami-1"},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			if got := imageARN(tt.region, "ami-1"); got != tt.want {
				t.Errorf("imageARN(%q) = %q, want %q", tt.region, got, tt.want)
			}
		})
	}
}

func TestFlattenBlockDevices(t *testing.T) {
	ebsRoot := ec2types.BlockDeviceMapping{
		DeviceName: aws.String("/dev/xvda"),
		Ebs: &ec2types.EbsBlockDevice{
			DeleteOnTermination: aws.Bool(true),
			SnapshotId:          aws.String("snap-1"),
			VolumeSize:          aws.Int32(8),
			VolumeType:          ec2types.VolumeTypeGp3,
			Iops:                aws.Int32(3000),
			Throughput:          aws.Int32(125),
		},
	}
	ephemeral := ec2types.BlockDeviceMapping{DeviceName: aws.String("/dev/sdb"), VirtualName: aws.String("ephemeral0")}

	tests := []struct {
		name          string
		rootDevice    *string
		mappings      []ec2types.BlockDeviceMapping
		wantEBS       int
		wantEphemeral int
		wantRoot      string
	}{
		{name: "none", mappings: nil, rootDevice: aws.String("/dev/xvda")},
		{name: "root EBS", mappings: []ec2types.BlockDeviceMapping{ebsRoot}, rootDevice: aws.String("/dev/xvda"), wantEBS: 1, wantRoot: "snap-1"},
		{name: "root elsewhere", mappings: []ec2types.BlockDeviceMapping{ebsRoot}, rootDevice: aws.String("/dev/sda1"), wantEBS: 1},
		{name: "no root device", mappings: []ec2types.BlockDeviceMapping{ebsRoot}, wantEBS: 1},
		{name: "mixed", mappings: []ec2types.BlockDeviceMapping{ebsRoot, ephemeral}, rootDevice: aws.String("/dev/xvda"), wantEBS: 1, wantEphemeral: 1, wantRoot: "snap-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ebs := flattenEBSBlockDevices(tt.mappings)
			if ebs == nil || len(ebs) != tt.wantEBS {
				t.Errorf("EBS devices = %v, want %d (never nil)", ebs, tt.wantEBS)
			}
			eph := flattenEphemeralBlockDevices(tt.mappings)
			if eph == nil || len(eph) != tt.wantEphemeral {
				t.Errorf("ephemeral devices = %v, want %d (never nil)", eph, tt.wantEphemeral)
			}
			image := &ec2types.Image{RootDeviceName: tt.rootDevice, BlockDeviceMappings: tt.mappings}
			if got := rootSnapshotID(image); got != tt.wantRoot {
				t.Errorf("rootSnapshotID = %q, want %q", got, tt.wantRoot)
			}
			if tt.wantEBS > 0 {
				d := ebs[0]
				if d.SnapshotID.ValueString() != "snap-1" || d.VolumeSize.ValueInt64() != 8 || d.VolumeType.ValueString() != "gp3" ||
					d.IOPS.ValueInt64() != 3000 || d.Throughput.ValueInt64() != 125 || !d.DeleteOnTermination.ValueBool() ||
					d.Encrypted.ValueBool() || d.OutpostARN.ValueString() != "" {
					t.Errorf("EBS device = %+v", d)
				}
			}
		})
	}
}

func TestTagsFromEC2(t *testing.T) {
	tests := []struct {
		name string
		in   []ec2types.Tag
		want map[string]string
	}{
		{name: "none", in: nil, want: map[string]string{}},
		{name: "plain", in: []ec2types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}, want: map[string]string{"a": "1"}},
		{name: "aws prefix dropped", in: []ec2types.Tag{
			{Key: aws.String("aws:cloudformation:stack-name"), Value: aws.String("x")},
			{Key: aws.String("b"), Value: aws.String("")},
		}, want: map[string]string{"b": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tagsFromEC2(tt.in)
			if !jsonEqual(got, tt.want) {
				t.Errorf("tagsFromEC2 = %v, want %v", got, tt.want)
			}
			// The round trip through ec2Tags is sorted and lossless.
			back := ec2Tags(got)
			if !sort.SliceIsSorted(back, func(i, j int) bool { return aws.ToString(back[i].Key) < aws.ToString(back[j].Key) }) {
				t.Errorf("ec2Tags not sorted: %v", back)
			}
			if !jsonEqual(tagsFromEC2(back), got) {
				t.Errorf("round trip lost tags: %v", back)
			}
		})
	}
}

// providerConfig is the provider block every moto test uses: fake
// credentials, no STS or metadata calls, EC2 at the given endpoint.
func providerConfig(endpoint string) string {
	return fmt.Sprintf(`
provider "aws" {
  region                      = %q
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    ec2 = %q
  }
}
`, testRegion, endpoint)
}

// requireTools skips the test without TF_ACC (make testunit), or when a
// command it runs is not installed.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	acctest.RequireAcceptance(t)
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			t.Skipf("%s not found on PATH", name)
		}
	}
}

// startMoto runs moto_server on a free loopback port until the test ends,
// and returns its URL.
func startMoto(t *testing.T) string {
	t.Helper()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr, ok := listener.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", listener.Addr())
	}
	port := addr.Port
	if err := listener.Close(); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	cmd := exec.Command("moto_server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("moto_server output:\n%s", logs.String())
		}
	})

	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			return url
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("moto_server did not answer on %s within 30s:\n%s", url, logs.String())
	return ""
}

// testClient is an EC2 client for checking moto from the test itself.
func testClient(t *testing.T, endpoint string) *ec2.Client {
	t.Helper()
	clients, err := newClientFactory(t.Context(), clientSettings{
		accessKey: "testing", secretKey: "testing", region: testRegion, ec2Endpoint: endpoint, skipMetadataAPI: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return clients.EC2("")
}

// terraform runs the terraform CLI in one working directory with the
// stand-in installed through dev_overrides.
type terraform struct {
	dir string
	env []string
}

// newTerraform prepares a fresh working directory for the stand-in in
// binaryDir; shapeEnv, when set, goes to SchemaEnv.
func newTerraform(t *testing.T, binaryDir, shapeEnv string) *terraform {
	t.Helper()
	return newTerraformIn(t, t.TempDir(), binaryDir, shapeEnv)
}

// newTerraformIn is newTerraform for an existing working directory, so a
// second binary can take over the state of a first.
func newTerraformIn(t *testing.T, dir, binaryDir, shapeEnv string) *terraform {
	t.Helper()

	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	content := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, ProviderAddress, binaryDir)
	if err := os.WriteFile(cliConfig, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	env := append(os.Environ(),
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"AWS_EC2_METADATA_DISABLED=true",
		SchemaEnv+"="+shapeEnv,
	)
	return &terraform{dir: dir, env: env}
}

// writeConfig writes main.tf.
func (tf *terraform) writeConfig(t *testing.T, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// run runs terraform with args and returns stdout, stderr and the exit code.
func (tf *terraform) run(t *testing.T, args ...string) ([]byte, []byte, int) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = tf.dir
	cmd.Env = tf.env
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr

	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return stdout.Bytes(), stderr.Bytes(), 0
	case errors.As(err, &exitErr):
		return stdout.Bytes(), stderr.Bytes(), exitErr.ExitCode()
	default:
		t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
		return nil, nil, -1
	}
}

// mustRun runs terraform and fails the test unless it exits 0.
func (tf *terraform) mustRun(t *testing.T, args ...string) []byte {
	t.Helper()
	stdout, stderr, code := tf.run(t, args...)
	if code != 0 {
		t.Fatalf("terraform %s exited %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// planExitCode runs terraform plan -detailed-exitcode (0: no changes,
// 2: changes) with an optional extra flag, and fails the test on errors.
func (tf *terraform) planExitCode(t *testing.T, extra string) int {
	t.Helper()
	args := []string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}
	if extra != "" {
		args = append(args, extra)
	}
	stdout, stderr, code := tf.run(t, args...)
	if code == 1 {
		t.Fatalf("terraform plan failed\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	if code != 0 {
		t.Logf("terraform plan output:\n%s", stdout)
	}
	return code
}

// shownResource is one resource in terraform show -json.
type shownResource struct {
	Address       string         `json:"address"`
	Type          string         `json:"type"`
	ProviderName  string         `json:"provider_name"`
	SchemaVersion int64          `json:"schema_version"`
	Values        map[string]any `json:"values"`
}

// showResource returns the resource at address from terraform show -json.
func (tf *terraform) showResource(t *testing.T, address string) shownResource {
	t.Helper()
	out := tf.mustRun(t, "show", "-json")

	var shown struct {
		Values struct {
			RootModule struct {
				Resources []shownResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(out, &shown); err != nil {
		t.Fatalf("decoding terraform show -json: %v\n%s", err, out)
	}
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address == address {
			return r
		}
	}
	t.Fatalf("%s not in terraform show -json:\n%s", address, out)
	return shownResource{}
}

// jsonEqual compares two values by their JSON encoding, which is how state
// reaches a moved-block target.
func jsonEqual(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// mapKeys returns a map's keys in order.
func mapKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
